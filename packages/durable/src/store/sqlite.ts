import { createRequire } from "node:module"
import type Database from "better-sqlite3"
import { describeOwner, newOwner, ownerAlive } from "./owner.js"
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
 * Options of `sqliteStore`.
 *
 * @example
 * const store = sqliteStore("runs.db", { synchronous: "normal", busyTimeoutMs: 10_000 })
 */
export interface SqliteStoreOptions {
  /**
   * SQLite's `synchronous` setting. `"full"` (default) syncs the write-ahead log at every
   * commit: a stored entry survives a power cut. `"normal"` survives a process crash (what
   * the crash tests kill) but may lose the last commits at a power cut; faster on slow disks.
   */
  readonly synchronous?: "full" | "normal"
  /** How long a writer waits for another process's write lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number
}

/**
 * The SQLite store: a `Store` with its synchronous methods spelled out.
 *
 * @example
 * const store: SqliteStore = sqliteStore(":memory:")
 * const run = store.load("checkout-42") // no await needed
 */
export interface SqliteStore extends Store {
  readonly kind: "sqlite"
  /** The file (or `":memory:"`). */
  readonly path: string
  load(id: string): StoredRun | undefined
  claim(id: string, meta?: StoredJson): RunClaim
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS effvm_store (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS effvm_runs (
  id TEXT PRIMARY KEY,
  meta TEXT,
  created_at INTEGER NOT NULL,
  outcome TEXT,
  finished_at INTEGER,
  owner_token TEXT,
  owner_host TEXT,
  owner_pid INTEGER,
  owner_start TEXT
);
CREATE TABLE IF NOT EXISTS effvm_entries (
  run_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
`

interface RunRow {
  id: string
  meta: string | null
  outcome: string | null
  owner_token: string | null
  owner_host: string | null
  owner_pid: number | null
  owner_start: string | null
}

/**
 * The embedded store: one SQLite file (better-sqlite3, write-ahead-log mode), or
 * `":memory:"` for tests. Every method is synchronous; an entry is committed before
 * `append` returns. Processes on one machine share a file safely (a claim held by a process
 * that died is free again); the file is not meant for a network file system.
 *
 * @example
 * import { durable, sqliteStore } from "@effvm/durable"
 * const store = sqliteStore("runs.db")
 * const total = await durable(checkout("order-42"), { store, id: "order-42" })
 * await store.close()
 */
export function sqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `sqliteStore(path): path must be a file name or ":memory:", got ${String(path)}`,
    )
  }
  const db = new (loadSqlite())(path)
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`)
    if (path !== ":memory:") db.pragma("journal_mode = WAL")
    db.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`)
    openSchema(db, path)
  } catch (error) {
    db.close()
    throw error
  }

  const selectRun = db.prepare<[string], RunRow>(
    "SELECT id, meta, outcome, owner_token, owner_host, owner_pid, owner_start FROM effvm_runs WHERE id = ?",
  )
  const selectEntries = db
    .prepare<[string], { entry: string }>(
      "SELECT entry FROM effvm_entries WHERE run_id = ? ORDER BY position",
    )
    .pluck()
  const insertRun = db.prepare(
    "INSERT INTO effvm_runs (id, meta, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
  )
  const takeOwner = db.prepare(
    "UPDATE effvm_runs SET owner_token = ?, owner_host = ?, owner_pid = ?, owner_start = ? WHERE id = ?",
  )
  const selectOwner = db.prepare<
    [string],
    { owner_token: string | null; owner_host: string | null; owner_pid: number | null }
  >("SELECT owner_token, owner_host, owner_pid FROM effvm_runs WHERE id = ?")
  const insertEntry = db.prepare(
    "INSERT INTO effvm_entries (run_id, position, entry) VALUES (?, ?, ?)",
  )
  const storeOutcome = db.prepare(
    "UPDATE effvm_runs SET outcome = ?, finished_at = ?, owner_token = NULL WHERE id = ? AND owner_token = ?",
  )
  const dropOwner = db.prepare(
    "UPDATE effvm_runs SET owner_token = NULL WHERE id = ? AND owner_token = ?",
  )

  const readRun = (row: RunRow): StoredRun => ({
    id: row.id,
    entries: (selectEntries.all(row.id) as unknown as string[]).map(parse),
    outcome: row.outcome === null ? undefined : parse(row.outcome),
    meta: row.meta === null ? undefined : parse(row.meta),
  })

  const open = new Set<SqliteClaim>()

  // One page written per append (the entries'): the claim is checked by a read, the count
  // is kept by the claim (it is the only writer), and the primary key refuses an overwrite.
  const appendEntries = db.transaction(
    (claim: SqliteClaim, position: number, entries: readonly StoredJson[]) => {
      const owner = selectOwner.get(claim.id)
      if (owner?.owner_token !== claim.token) {
        throw new Error(
          `append to run "${claim.id}": this process's claim on it was taken over ` +
            `(${owner?.owner_pid ? describeOwner({ host: owner.owner_host ?? "?", pid: owner.owner_pid }) : "no holder"} holds it now); ` +
            "nothing was written",
        )
      }
      checkAppendPosition(claim.id, position, claim.stored)
      for (let i = 0; i < entries.length; i++) {
        insertEntry.run(claim.id, position + i, JSON.stringify(entries[i]))
      }
      claim.stored = position + entries.length
    },
  )

  const claimRun = db.transaction((id: string, meta: StoredJson | undefined): SqliteClaim => {
    insertRun.run(id, meta === undefined ? null : JSON.stringify(meta), Date.now())
    const row = selectRun.get(id)!
    if (
      row.owner_token !== null &&
      row.outcome === null &&
      ownerAlive({
        host: row.owner_host ?? "",
        pid: row.owner_pid ?? 0,
        start: row.owner_start ?? "",
      })
    ) {
      throw new RunClaimedError(
        id,
        describeOwner({ host: row.owner_host ?? "?", pid: row.owner_pid ?? 0 }),
        `SQLite (${path})`,
      )
    }
    const owner = newOwner()
    takeOwner.run(owner.token, owner.host, owner.pid, owner.start, id)
    return new SqliteClaim(id, owner.token, readRun(row))
  })

  class SqliteClaim implements RunClaim {
    private open = true
    /** Entries stored: this claim is the run's only writer. */
    stored: number
    constructor(
      readonly id: string,
      readonly token: string,
      readonly run: StoredRun,
    ) {
      this.stored = run.entries.length
    }
    append(position: number, entries: readonly StoredJson[]): void {
      checkClaimOpen(this.id, this.open, "append")
      appendEntries.immediate(this, position, entries)
    }
    finish(outcome: StoredJson): void {
      checkClaimOpen(this.id, this.open, "finish")
      storeOutcome.run(JSON.stringify(outcome), Date.now(), this.id, this.token)
      this.end()
    }
    release(): void {
      if (!this.open) return
      if (db.open) dropOwner.run(this.id, this.token)
      this.end()
    }
    private end(): void {
      this.open = false
      openClaims.delete(this)
    }
  }
  const openClaims = open

  return {
    kind: "sqlite",
    path,
    load(id) {
      const row = selectRun.get(id)
      return row === undefined ? undefined : readRun(row)
    },
    claim(id, meta) {
      if (typeof id !== "string" || id === "") {
        throw new TypeError(`claim(id): a run id must be a non-empty string, got ${String(id)}`)
      }
      const claim = claimRun.immediate(id, meta)
      openClaims.add(claim)
      return claim
    },
    async close() {
      if (!db.open) return
      for (const claim of [...openClaims]) claim.release()
      db.close()
    },
  }
}

function openSchema(db: Database.Database, path: string): void {
  db.transaction(() => {
    db.exec(SCHEMA)
    const row = db
      .prepare<[], { value: string }>("SELECT value FROM effvm_store WHERE key = 'schema_version'")
      .get()
    if (row === undefined) {
      db.prepare("INSERT INTO effvm_store (key, value) VALUES ('schema_version', ?)").run(
        String(STORE_SCHEMA_VERSION),
      )
      return
    }
    const found = Number(row.value)
    if (!(found <= STORE_SCHEMA_VERSION)) {
      throw new StoreSchemaError(path, found, STORE_SCHEMA_VERSION)
    }
    // Older versions would be migrated here; version 1 is the first.
  }).immediate()
}

function parse(text: string): StoredJson {
  return JSON.parse(text) as StoredJson
}

// Loaded on first use: importing @effvm/durable (record, replay, another store) does not
// load the native addon.
let sqlite: typeof Database | undefined
function loadSqlite(): typeof Database {
  sqlite ??= createRequire(import.meta.url)("better-sqlite3") as typeof Database
  return sqlite
}
