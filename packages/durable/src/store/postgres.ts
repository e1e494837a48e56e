import { createRequire } from "node:module"
import { hostname } from "node:os"
import type pg from "pg"
import {
  checkAppendPosition,
  checkClaimOpen,
  type RunClaim,
  RunClaimedError,
  STORE_SCHEMA_VERSION,
  type Store,
  type StoredJson,
  type StoredRun,
  StoreSchemaError,
} from "./store.js"

/**
 * What `postgresStore` takes: a connection string, pool options, or a `pg.Pool` of yours.
 *
 * @example
 * postgresStore("postgresql://app@db.internal/app")
 * postgresStore({ connectionString: process.env.DATABASE_URL, max: 20 })
 * postgresStore(new pg.Pool({ host: "db.internal", database: "app" }))
 */
export type PostgresStoreOptions =
  | string
  | pg.Pool
  | (pg.PoolConfig & { connectionString?: string })

/**
 * The PostgreSQL store.
 *
 * @example
 * const store: PostgresStore = postgresStore(process.env.DATABASE_URL!)
 * await store.ready() // create or check the schema now rather than at the first run
 */
export interface PostgresStore extends Store {
  readonly kind: "postgres"
  /** Creates (or checks) the schema now; every other method does it on first use. */
  ready(): Promise<void>
  load(id: string): Promise<StoredRun | undefined>
  claim(id: string, meta?: StoredJson): Promise<RunClaim>
}

// Namespace of effvm's advisory locks: the schema lock, and the seed of the per-run lock
// keys (hashtextextended(id, seed)), so they do not collide with an application's own keys.
const SCHEMA_LOCK = 0x0eff_0001
const RUN_LOCK_SEED = 0x0eff

const SCHEMA = `
CREATE TABLE IF NOT EXISTS effvm_store (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS effvm_runs (
  id text PRIMARY KEY,
  meta text,
  created_at timestamptz NOT NULL DEFAULT now(),
  outcome text,
  finished_at timestamptz,
  owner text
);
CREATE TABLE IF NOT EXISTS effvm_entries (
  run_id text NOT NULL,
  position integer NOT NULL,
  entry text NOT NULL,
  PRIMARY KEY (run_id, position)
);
`

/**
 * The PostgreSQL store (node-postgres). Takes a connection string, `{ connectionString }`
 * (any `pg.Pool` options), or a `pg.Pool` you own (then `close()` leaves it open). A claim
 * is a session advisory lock on a connection of its own, which the server drops the moment
 * the holding process dies, so a crashed run can be resumed at once by another process on
 * any machine. Each `append` is one committed statement.
 *
 * @example
 * import { durable, postgresStore } from "@effvm/durable"
 * const store = postgresStore(process.env.DATABASE_URL!)
 * const total = await durable(checkout("order-42"), { store, id: "order-42" })
 * await store.close()
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const ownPool = !isPool(options)
  let pool: pg.Pool
  if (isPool(options)) pool = options
  else if (typeof options === "string") pool = new (loadPg().Pool)({ connectionString: options })
  else if (options !== null && typeof options === "object") pool = new (loadPg().Pool)(options)
  else {
    throw new TypeError(
      "postgresStore(options): expected a connection string, { connectionString } or a pg.Pool, " +
        `got ${String(options)}`,
    )
  }
  // An idle connection that breaks (server restart) must not crash the process.
  const onPoolError = () => {}
  pool.on("error", onPoolError)
  const location = describeLocation(pool)
  let schema: Promise<void> | undefined
  let closed = false
  const claims = new Set<PostgresClaim>()

  const ready = () => {
    if (closed) return Promise.reject(new Error(`the postgres store (${location}) is closed`))
    schema ??= openSchema(pool, location)
    // A failed open is not cached: the next call tries again (the server may be back).
    schema.catch(() => {
      schema = undefined
    })
    return schema
  }

  const readRun = async (
    client: pg.Pool | pg.PoolClient,
    id: string,
  ): Promise<StoredRun | undefined> => {
    const run = await client.query<{ meta: string | null; outcome: string | null }>(
      "SELECT meta, outcome FROM effvm_runs WHERE id = $1",
      [id],
    )
    if (run.rowCount === 0) return undefined
    const entries = await client.query<{ entry: string }>(
      "SELECT entry FROM effvm_entries WHERE run_id = $1 ORDER BY position",
      [id],
    )
    const row = run.rows[0]!
    return {
      id,
      entries: entries.rows.map((r) => JSON.parse(r.entry) as StoredJson),
      outcome: row.outcome === null ? undefined : (JSON.parse(row.outcome) as StoredJson),
      meta: row.meta === null ? undefined : (JSON.parse(row.meta) as StoredJson),
    }
  }

  class PostgresClaim implements RunClaim {
    private open = true
    private broken: Error | undefined
    /** Entries stored or on their way (appends accepted so far). */
    private issued: number
    /** The last append's completion (never rejects); `failed` holds its error. */
    private last: Promise<void> = Promise.resolve()
    private failed: { readonly error: unknown } | null = null
    constructor(
      readonly id: string,
      readonly run: StoredRun,
      private readonly client: pg.PoolClient,
    ) {
      this.issued = run.entries.length
      client.on("error", this.onError)
    }
    private readonly onError = (error: Error) => {
      this.broken = error
    }
    append(position: number, entries: readonly StoredJson[]): Promise<void> {
      try {
        checkClaimOpen(this.id, this.open, "append")
        this.checkConnection()
        checkAppendPosition(this.id, position, this.issued)
      } catch (error) {
        return Promise.reject(error)
      }
      this.issued = position + entries.length
      // Appends are written one after the other, in call order; after a failed one, none
      // is (a later entry without the earlier one would leave a gap in the journal).
      const write = this.last.then(() => {
        if (this.failed !== null) throw this.failed.error
        return this.insert(position, entries)
      })
      this.last = write.then(noop, (error: unknown) => {
        this.failed ??= { error }
      })
      return write
    }
    private async insert(position: number, entries: readonly StoredJson[]): Promise<void> {
      if (entries.length === 1) {
        await this.client.query({
          name: "effvm_append_1",
          text: "INSERT INTO effvm_entries (run_id, position, entry) VALUES ($1, $2, $3)",
          values: [this.id, position, JSON.stringify(entries[0])],
        })
      } else if (entries.length > 1) {
        await this.client.query({
          name: "effvm_append_n",
          text:
            "INSERT INTO effvm_entries (run_id, position, entry) " +
            "SELECT $1, $2 + t.i - 1, t.e FROM unnest($3::text[]) WITH ORDINALITY AS t(e, i)",
          values: [this.id, position, entries.map((e) => JSON.stringify(e))],
        })
      }
    }
    async finish(outcome: StoredJson): Promise<void> {
      checkClaimOpen(this.id, this.open, "finish")
      await this.last
      if (this.failed !== null) throw this.failed.error
      this.checkConnection()
      await this.client.query(
        "UPDATE effvm_runs SET outcome = $2, finished_at = now() WHERE id = $1",
        [this.id, JSON.stringify(outcome)],
      )
      await this.release()
    }
    async release(): Promise<void> {
      if (!this.open) return
      this.open = false
      await this.last
      claims.delete(this)
      this.client.off("error", this.onError)
      if (this.broken) {
        this.client.release(this.broken)
        return
      }
      try {
        await this.client.query("SELECT pg_advisory_unlock(hashtextextended($1, $2))", [
          this.id,
          RUN_LOCK_SEED,
        ])
        this.client.release()
      } catch (error) {
        // The connection is gone, and the lock with it.
        this.client.release(error as Error)
      }
    }
    private checkConnection(): void {
      if (this.broken) {
        throw new Error(
          `the connection holding the claim on run "${this.id}" broke (${this.broken.message}); ` +
            "the claim is lost, nothing more is written. Run it again to resume from its journal.",
        )
      }
    }
  }

  return {
    kind: "postgres",
    ready,
    async load(id) {
      await ready()
      return readRun(pool, id)
    },
    async claim(id, meta) {
      if (typeof id !== "string" || id === "") {
        throw new TypeError(`claim(id): a run id must be a non-empty string, got ${String(id)}`)
      }
      await ready()
      const client = await pool.connect()
      try {
        const locked = await client.query<{ ok: boolean }>(
          "SELECT pg_try_advisory_lock(hashtextextended($1, $2)) AS ok",
          [id, RUN_LOCK_SEED],
        )
        if (!locked.rows[0]!.ok) {
          const holder = await client.query<{ owner: string | null }>(
            "SELECT owner FROM effvm_runs WHERE id = $1",
            [id],
          )
          throw new RunClaimedError(
            id,
            holder.rows[0]?.owner ?? undefined,
            `postgres (${location})`,
          )
        }
        try {
          await client.query(
            "INSERT INTO effvm_runs (id, meta, owner) VALUES ($1, $2, $3) " +
              "ON CONFLICT (id) DO UPDATE SET owner = excluded.owner",
            [
              id,
              meta === undefined ? null : JSON.stringify(meta),
              `process ${process.pid} on ${hostname()}`,
            ],
          )
          const run = (await readRun(client, id))!
          const claim = new PostgresClaim(id, run, client)
          claims.add(claim)
          return claim
        } catch (error) {
          await client.query("SELECT pg_advisory_unlock(hashtextextended($1, $2))", [
            id,
            RUN_LOCK_SEED,
          ])
          throw error
        }
      } catch (error) {
        client.release()
        throw error
      }
    },
    async close() {
      if (closed) return
      for (const claim of [...claims]) await claim.release()
      closed = true
      if (ownPool) await pool.end()
      else pool.off("error", onPoolError)
    },
  }
}

async function openSchema(pool: pg.Pool, location: string): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query("BEGIN")
    // Two processes opening a new database at once: one creates, the other waits and reads.
    await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK])
    await client.query(SCHEMA)
    const row = await client.query<{ value: string }>(
      "SELECT value FROM effvm_store WHERE key = 'schema_version'",
    )
    if (row.rowCount === 0) {
      await client.query("INSERT INTO effvm_store (key, value) VALUES ('schema_version', $1)", [
        String(STORE_SCHEMA_VERSION),
      ])
    } else {
      const found = Number(row.rows[0]!.value)
      if (!(found <= STORE_SCHEMA_VERSION)) {
        throw new StoreSchemaError(location, found, STORE_SCHEMA_VERSION)
      }
    }
    await client.query("COMMIT")
    client.release()
  } catch (error) {
    try {
      await client.query("ROLLBACK")
      client.release()
    } catch (rollbackError) {
      client.release(rollbackError as Error)
    }
    throw error
  }
}

function noop(): void {}

function isPool(x: unknown): x is pg.Pool {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as pg.Pool).connect === "function" &&
    typeof (x as pg.Pool).query === "function" &&
    typeof (x as pg.Pool).end === "function"
  )
}

// "database effvm on 127.0.0.1:5432", never the password.
function describeLocation(pool: pg.Pool): string {
  const o = (pool as unknown as { options?: pg.PoolConfig }).options ?? {}
  if (o.connectionString) {
    try {
      const url = new URL(o.connectionString)
      return `database ${url.pathname.slice(1) || "?"} on ${url.host || "localhost"}`
    } catch {
      return "the configured database"
    }
  }
  return `database ${o.database ?? "?"} on ${o.host ?? "localhost"}:${o.port ?? 5432}`
}

// Loaded on first use, like the SQLite addon.
let pgModule: typeof pg | undefined
function loadPg(): typeof pg {
  pgModule ??= createRequire(import.meta.url)("pg") as typeof pg
  return pgModule
}
