/**
 * The store interface: where a durable run keeps its journal and its outcome.
 *
 * A store holds runs by id. A run has a journal (entries at positions 0, 1, 2, … with no
 * gap, each a JSON value the journal made) and, once it has finished, an outcome (a JSON
 * value). Entries and outcomes are opaque to the store: it keeps and returns them exactly.
 *
 * The rules a store keeps, whatever it is built on (docs/durable.md, "The store interface"):
 *
 * 1. Write-ahead: `append` resolves only once the entries are stored for good (a committed
 *    transaction); the run waits for it before it goes past what they describe.
 * 2. All or nothing: an `append` that did not resolve left no entry behind or all of them.
 *    A torn write (the process killed mid-write) leaves the journal as it was before it.
 * 3. One writer: `claim(id)` gives this process the run until `finish` or `release`, or
 *    until the process dies. A second claim of a claimed run, from this process or another,
 *    fails at once with `RunClaimedError`: nothing waits, nothing is lost or doubled.
 *    A claim held by a process that died is free again.
 * 4. No gap, no overwrite: `append(position, entries)` with `position` other than the
 *    number of entries stored is an error, never a silent write.
 * 5. Versioned: the store creates its schema and records its version; opening a store whose
 *    schema is newer than the code knows fails with `StoreSchemaError`.
 */

/**
 * A journal entry or an outcome as the store keeps it: JSON data.
 *
 * @example
 * const entry: StoredJson = { type: "clock", now: 1796665497577 }
 */
export type StoredJson =
  | null
  | boolean
  | number
  | string
  | StoredJson[]
  | { [key: string]: StoredJson }

/**
 * What a store knows about one run.
 *
 * @example
 * const run: StoredRun | undefined = await store.load("checkout-42")
 * if (run?.outcome !== undefined) console.log("finished", run.outcome)
 * else console.log(`${run?.entries.length ?? 0} entries stored`)
 */
export interface StoredRun {
  /** The run id. */
  readonly id: string
  /** The journal entries stored so far, in position order. */
  readonly entries: readonly StoredJson[]
  /** The finished run's outcome, `undefined` while it has not finished. */
  readonly outcome: StoredJson | undefined
  /** What the run was started with (journal format, program name), as given to `claim`. */
  readonly meta: StoredJson | undefined
}

/**
 * One process's hold on one run, from `Store.claim` until `finish` or `release`.
 *
 * Methods may return a promise or settle at once (a synchronous store like SQLite returns
 * `undefined`): a caller awaits only what is a promise.
 *
 * @example
 * const claim = await store.claim("checkout-42", { program: "checkout" })
 * await claim.append(claim.run.entries.length, [{ type: "clock", now: Date.now() }])
 * await claim.release()
 */
export interface RunClaim {
  /** The run id. */
  readonly id: string
  /** The run as it was stored when the claim was taken. */
  readonly run: StoredRun
  /**
   * Stores `entries` at `position`, `position + 1`, …, all or nothing, before it settles.
   * `position` must equal the number of entries stored.
   */
  append(position: number, entries: readonly StoredJson[]): void | Promise<void>
  /** Stores the run's outcome and lets the claim go. */
  finish(outcome: StoredJson): void | Promise<void>
  /** Lets the claim go without an outcome (the run stopped; another process may go on). */
  release(): void | Promise<void>
}

/**
 * Where durable runs keep their journals: `sqliteStore(path)`, `postgresStore(options)`, or
 * your own implementation of this interface (see docs/durable.md, "The store interface").
 *
 * @example
 * import { durable, sqliteStore } from "@effvm/durable"
 * const store = sqliteStore("runs.db")
 * const value = await durable(checkout(order), { store, id: `checkout-${order.id}` })
 * await store.close()
 */
export interface Store {
  /** A short name for messages: `"sqlite"`, `"postgres"`. */
  readonly kind: string
  /** Reads a run without claiming it; `undefined` when the store has never seen the id. */
  load(id: string): StoredRun | undefined | Promise<StoredRun | undefined>
  /**
   * Claims run `id` for this process (creating it with `meta` if it is new) and reads it under
   * the claim. Fails with `RunClaimedError` when another live claim holds it.
   */
  claim(id: string, meta?: StoredJson): RunClaim | Promise<RunClaim>
  /** Releases the store (connections, file handles). Claims still held are let go. */
  close(): Promise<void>
}

/**
 * The schema version this code writes and reads (stores record it in their `effvm_store`
 * table and refuse a newer one with `StoreSchemaError`).
 *
 * @example
 * if (error instanceof StoreSchemaError) console.log(error.found, "is newer than", STORE_SCHEMA_VERSION)
 */
export const STORE_SCHEMA_VERSION = 1

/**
 * A run id is claimed by another process (or another `durable` call in this one) that is
 * still alive: two resumptions of one run never go on at once.
 *
 * @example
 * try {
 *   await durable(flow(), { store, id: "order-42" })
 * } catch (error) {
 *   if (error instanceof RunClaimedError) console.log(`${error.runId} is running elsewhere`)
 * }
 */
export class RunClaimedError extends Error {
  override readonly name = "RunClaimedError"
  constructor(
    /** The run id. */
    readonly runId: string,
    /** Who holds it, as the store knows it (host, pid), when it does. */
    readonly holder: string | undefined,
    store: string,
  ) {
    super(
      `run "${runId}" is already claimed${holder ? ` by ${holder}` : ""} in the ${store} store: ` +
        "another process (or another durable() call) is running it. Wait for it to finish, " +
        "or run it again once that process has ended.",
    )
  }
}

/**
 * The store was created by a newer version of effvm (its schema version is higher than this
 * code knows): it is refused rather than read or written with the wrong layout.
 *
 * @example
 * try {
 *   sqliteStore("runs.db")
 * } catch (error) {
 *   if (error instanceof StoreSchemaError) console.log(error.found, error.supported)
 * }
 */
export class StoreSchemaError extends Error {
  override readonly name = "StoreSchemaError"
  constructor(
    /** Where the store is (a path, a database). */
    readonly location: string,
    /** The schema version found in the store. */
    readonly found: number,
    /** The newest schema version this code knows. */
    readonly supported: number,
  ) {
    super(
      `the durable store at ${location} has schema version ${found}, newer than the version ` +
        `${supported} this @effvm/durable knows: it was written by a newer effvm. Upgrade ` +
        "@effvm/durable to open it (a store is never downgraded).",
    )
  }
}

/** Checks `append`'s position against the stored count (rule 4), with a message naming both. */
export function checkAppendPosition(id: string, position: number, stored: number): void {
  if (position !== stored) {
    throw new Error(
      `append to run "${id}" at position ${position}, but its journal holds ${stored} ` +
        `entr${stored === 1 ? "y" : "ies"}: entries are appended in order, with no gap and no ` +
        "overwrite (is another process writing this run without a claim?)",
    )
  }
}

/** Refuses a claim that was already finished or released (a use after the end). */
export function checkClaimOpen(id: string, open: boolean, what: string): void {
  if (!open) {
    throw new Error(`${what} on run "${id}" after its claim ended (finish or release was called)`)
  }
}
