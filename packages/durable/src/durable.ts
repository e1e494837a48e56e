import {
  type Effect,
  formatTraceback,
  getTraceback,
  type HandlerDef,
  type HandlerFunction,
  handler,
  type Program,
  type RunOptions,
  StopError,
} from "@effvm/vm-core"
import { checkEntry, JOURNAL_VERSION, type JournalEntry } from "./journal/format.js"
import { decode, type Encoded, encode } from "./journal/serialize.js"
import { runJournaled } from "./journal/session.js"
import { programName } from "./record.js"
import type { RunClaim, Store, StoredJson } from "./store/store.js"

/**
 * Options of {@link durable}: `runAsync`'s options, the store, and the run's id.
 *
 * @example
 * const options: DurableOptions = { store: sqliteStore("runs.db"), id: "nightly-2026-12-07", handlers: [http] }
 * await durable(scheduled(nightly()), options)
 */
export interface DurableOptions extends RunOptions {
  /** Where the journal and the outcome are kept: `sqliteStore(path)`, `postgresStore(…)`, … */
  readonly store: Store
  /**
   * The run's name in the store: the same id resumes the same run (after a crash, in
   * another process) or returns its stored outcome once it has finished.
   */
  readonly id: string
}

/** A finished run's outcome as the store keeps it. */
type StoredOutcome =
  | { readonly status: "done"; readonly value: Encoded }
  | {
      readonly status: "failed"
      readonly error: Encoded
      readonly taskId?: number
      readonly taskName?: string
      readonly traceback?: string
    }
  /** The program stopped itself (`maxRounds`, a `StopError` it threw): `reason` is the stop's. */
  | { readonly status: "stopped"; readonly reason?: Encoded }

// The run id and journal position of each effect offered to an outside handler of a live
// durable run, for `effectKey`. Set just before the handler is called; an effect object
// performed again gets its new position.
const keys = new WeakMap<object, string>()

/**
 * The stable key of an effect that leaves a durable run: `"<run id>:<position>"`, where
 * position is the journal position of its answer. An effect performed again after a crash
 * (it was in flight: called, but its answer was not stored) gets the same key, so its
 * handler can deduplicate against an outside system (an idempotency key, a unique row).
 * Call it from an outside handler (the `handlers` option of `durable`) with the effect it
 * was given; any other effect is a `TypeError`.
 *
 * @example
 * const payments = handler(function* pay(eff: Charge, k) {
 *   const receipt = yield* awaitExternal(
 *     bank.charge(eff.amount, { idempotencyKey: effectKey(eff) }),
 *   )
 *   return yield* Transfer(k, receipt)
 * }, { handles: [Charge] })
 * await durable(checkout(order), { store, id: `checkout-${order.id}`, handlers: [payments] })
 */
export function effectKey(effect: Effect<unknown>): string {
  const key = typeof effect === "object" && effect !== null ? keys.get(effect) : undefined
  if (key === undefined) {
    throw new TypeError(
      `effectKey(${describeValue(effect)}): this effect was not offered to an outside handler ` +
        "of a durable run. Call effectKey from a handler passed in durable()'s handlers option, " +
        "with the effect that handler was given.",
    )
  }
  return key
}

/**
 * Runs `program` like `runAsync`, durably: every journal entry (the outside handlers'
 * answers, the values of awaited promises, real-clock readings, scheduling decisions) is
 * stored in `store` under `id` before the run goes past the point it describes. Run again
 * with the same `id` (after a crash, in a new process) it replays the stored journal
 * without calling the outside world and goes on live where it ends; a `sleep` on the real
 * clock that was under way ends at its original wake time. A finished run's stored outcome
 * is returned (or thrown) without running anything. Two processes resuming one id at once:
 * one runs it, the other gets `RunClaimedError`.
 *
 * At-least-once: an effect whose answer is stored is never performed again; one in flight
 * at a crash is performed again, with the same {@link effectKey}. A stop (`signal`) ends
 * the run as `runAsync` does and leaves it resumable. A run that stops itself (its
 * scheduler's `maxRounds`, a `StopError` it throws) has ended: its stop is stored like an
 * outcome, and the same id throws that `StopError` again without running anything.
 *
 * @example
 * import { durable, sqliteStore } from "@effvm/durable"
 * const store = sqliteStore("runs.db")
 * const receipt = await durable(scheduled(checkout(order)), {
 *   store,
 *   id: `checkout-${order.id}`,
 *   handlers: [payments, mailer],
 * })
 * await store.close()
 */
export async function durable<T>(program: Program<T>, options: DurableOptions): Promise<T> {
  const { store, id, ...runOptions } = checkOptions(options)
  const name = programName(program)

  const seen = await store.load(id)
  if (seen?.outcome !== undefined) return settle<T>(id, seen.outcome)

  const claim = await store.claim(id, { journal: JOURNAL_VERSION, program: name })
  let released = false
  const release = async () => {
    if (released) return
    released = true
    await claim.release()
  }
  try {
    const stored = claim.run
    // Finished between our look and our claim (by the process that held it).
    if (stored.outcome !== undefined) {
      await release()
      return settle<T>(id, stored.outcome)
    }
    checkSameProgram(id, stored.meta, name)
    const entries = stored.entries.map((entry, i) => {
      checkEntry(entry, i, `the stored journal of run "${id}"`)
      return entry as JournalEntry
    })

    const writer = new JournalWriter(claim, entries.length)
    // A stop leaves the run resumable: what the run journals from the moment it is asked to
    // stop (its tasks being torn down) is not part of the run to resume, so it is not
    // stored. This listener runs before the machine's own, registered later.
    const signal = runOptions.signal
    const freeze = () => writer.freeze()
    if (signal?.aborted) freeze()
    else signal?.addEventListener("abort", freeze, { once: true })
    const run = await runJournaled(program, {
      ...runOptions,
      handlers: (runOptions.handlers ?? []).map((h) => keyed(h, id, writer)),
      entries,
      mode: "continue",
      sink: writer.sink,
      caller: "durable",
    })
    signal?.removeEventListener("abort", freeze)
    if (run.divergence !== null) throw run.divergence
    // A store that failed under the run is not the run's outcome: it stays resumable.
    if (writer.failure === null) {
      const flushed = writer.flush()
      if (flushed !== undefined) await flushed.catch(() => {})
    }
    if (writer.failure !== null) throw writer.failure.error

    const outcome = run.outcome
    // Stopped by the signal: the run is not over, it resumes. Stopped by itself: it is over
    // (replaying it would only reach the same stop), and its stop is its outcome.
    if (outcome.status === "stopped" && writer.frozen) throw outcome.error
    const finishing = claim.finish(storedOutcome(outcome))
    released = true
    if (finishing !== undefined) await finishing
    if (outcome.status !== "done") throw outcome.error
    return outcome.value
  } finally {
    await release()
  }
}

/**
 * Hands the journal's entries to the claim, write-ahead. An entry that brings something
 * into the run (an answer, a promise's value, a clock reading) is written at once; the
 * scheduler's decisions are kept until the next such entry or the next effect that leaves
 * the run, and written in the same transaction (a decision lost in a crash is made again:
 * nothing outside saw it). A store that returns promises gets one write per microtask
 * turn: the entries the run made meanwhile go together.
 */
class JournalWriter {
  /** The position of the next entry the run will make. */
  next: number
  failure: { readonly error: unknown } | null = null
  private buffer: StoredJson[] = []
  private bufferAt: number
  private async: boolean | undefined = undefined
  private batch: Promise<void> | null = null

  constructor(
    private readonly claim: RunClaim,
    stored: number,
  ) {
    this.next = stored
    this.bufferAt = stored
  }

  /** Stores nothing more: a stop was asked for by the signal. */
  frozen = false

  /** Stores nothing more (a stop was asked for); what is buffered is dropped. */
  freeze(): void {
    this.frozen = true
    this.buffer = []
  }

  readonly sink = (entry: JournalEntry, position: number): void | Promise<void> => {
    if (this.frozen) return undefined
    if (this.buffer.length === 0) this.bufferAt = position
    this.buffer.push(entry as unknown as StoredJson)
    this.next = position + 1
    if (this.async === true) return this.scheduleBatch()
    if (entry.type === "choice") return undefined
    return this.flush()
  }

  /** Writes what is buffered: synchronously for a synchronous store. */
  flush(): void | Promise<void> {
    if (this.batch !== null) return this.batch
    if (this.buffer.length === 0 || this.frozen) return undefined
    const entries = this.buffer
    const at = this.bufferAt
    this.buffer = []
    this.bufferAt = at + entries.length
    let written: void | Promise<void>
    try {
      written = this.claim.append(at, entries)
    } catch (error) {
      this.failure ??= { error }
      throw error
    }
    if (this.async === undefined) this.async = written !== undefined
    if (written === undefined) return undefined
    return written.then(undefined, (error: unknown) => {
      this.failure ??= { error }
      throw error
    })
  }

  private scheduleBatch(): Promise<void> {
    this.batch ??= Promise.resolve().then(() => {
      this.batch = null
      return this.flush()
    })
    return this.batch
  }
}

/** An outside handler that records each effect's key before it is called. */
function keyed(h: HandlerDef | HandlerFunction, id: string, writer: JournalWriter): HandlerDef {
  const def = typeof h === "function" ? handler(h) : h
  const fn = def.fn
  const withKey = (effect: Effect<unknown>, k: Parameters<HandlerFunction>[1]): unknown => {
    // The effect leaves the run here: the entries before it must be stored first, so that
    // its position (and key) is the one a resumed run will give it.
    writer.flush()
    keys.set(effect, `${id}:${writer.next}`)
    return fn(effect, k)
  }
  Object.defineProperty(withKey, "name", { value: fn.name })
  return def.handles === null
    ? handler(withKey, { name: def.name })
    : handler(withKey, { name: def.name, handles: def.handles })
}

function storedOutcome(
  outcome:
    | { status: "done"; value: unknown }
    | { status: "failed"; error: unknown; taskId?: number; taskName?: string }
    | { status: "stopped"; error: StopError },
): StoredJson {
  if (outcome.status === "done") {
    return { status: "done", value: encode(outcome.value, "the run's result") }
  }
  if (outcome.status === "stopped") {
    const reason = outcome.error.reason
    if (reason === undefined) return { status: "stopped" }
    let encoded: Encoded
    try {
      encoded = encode(reason, "the reason the run stopped")
    } catch {
      encoded = String(reason)
    }
    return { status: "stopped", reason: encoded }
  }
  let error: Encoded
  try {
    error = encode(outcome.error, "the run's error")
  } catch (cannot) {
    error = encode(
      new Error(
        `${String((outcome.error as Error)?.message ?? outcome.error)} (${(cannot as Error).message})`,
      ),
      "the run's error",
    )
  }
  const stored: { [key: string]: StoredJson } = { status: "failed", error }
  if (outcome.taskId !== undefined) stored.taskId = outcome.taskId
  if (outcome.taskName !== undefined) stored.taskName = outcome.taskName
  // The rendered traceback, for whoever reads the outcome from the store (another process,
  // another machine), where the error comes back without the machine's frames.
  if ((getTraceback(outcome.error)?.sections.length ?? 0) > 0) {
    stored.traceback = formatTraceback(outcome.error)
  }
  return stored
}

function settle<T>(id: string, outcome: StoredJson): T {
  const o = outcome as unknown as StoredOutcome
  if (o?.status === "done") return decode(o.value) as T
  if (o?.status === "failed") throw decode(o.error)
  if (o?.status === "stopped") throw stoppedError(o.reason)
  throw new TypeError(
    `the stored outcome of run "${id}" is damaged: expected { status: "done" | "failed", … }, ` +
      `got ${JSON.stringify(outcome)?.slice(0, 120)}`,
  )
}

/**
 * The `StopError` of a run that stopped itself, as its stored outcome gives it.
 * @internal
 */
export function stoppedError(reason: Encoded | undefined): StopError {
  return new StopError(reason === undefined ? undefined : decode(reason))
}

function checkSameProgram(id: string, meta: StoredJson | undefined, name: string): void {
  const stored = (meta as { program?: unknown } | undefined)?.program
  if (typeof stored === "string" && stored !== name) {
    throw new Error(
      `run "${id}" was started by program ${JSON.stringify(stored)}, not ${JSON.stringify(name)}: ` +
        "a durable run resumes only with the program that started it (use another id for another program).",
    )
  }
}

function checkOptions(options: DurableOptions): DurableOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `durable(program, { store, id }): options are required, got ${String(options)}`,
    )
  }
  const { store, id } = options
  if (store === null || typeof store !== "object" || typeof store.claim !== "function") {
    throw new TypeError(
      `durable(): options.store must be a store (sqliteStore(path), postgresStore(...)), got ${describeValue(store)}`,
    )
  }
  if (typeof id !== "string" || id === "") {
    throw new TypeError(
      `durable(): options.id must be a non-empty string naming the run, got ${describeValue(id)}`,
    )
  }
  return options
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "object" && value !== null) return value.constructor?.name ?? "object"
  return String(value)
}
