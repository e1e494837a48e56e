import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
import { type SqliteStore, sqliteStore } from "../src/store/sqlite.js"
import { StoreSchemaError } from "../src/store/store.js"
import { storeContract } from "./store-contract.js"

const dir = mkdtempSync(join(tmpdir(), "effvm-sqlite-store-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

describe("sqliteStore", () => {
  storeContract({
    open: async () => sqliteStore(join(dir, `store-${++files}.db`)),
    openAgain: async (store) => sqliteStore((store as SqliteStore).path),
    childArgs: (store) => ["sqlite", (store as SqliteStore).path],
  })

  it("a file store runs in write-ahead-log mode", async () => {
    const store = sqliteStore(join(dir, "wal.db"))
    const db = new Database(join(dir, "wal.db"))
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal")
    db.close()
    await store.close()
  })

  it('":memory:" gives a private store that keeps runs while it is open', async () => {
    const store = sqliteStore(":memory:")
    const claim = store.claim("mem")
    claim.append(0, ["x"])
    claim.release()
    expect(store.load("mem")?.entries).toEqual(["x"])
    expect(sqliteStore(":memory:").load("mem")).toBeUndefined()
    await store.close()
  })

  it("a store file from a newer schema version is refused with StoreSchemaError", async () => {
    const path = join(dir, "future.db")
    await sqliteStore(path).close()
    const db = new Database(path)
    db.prepare("UPDATE effvm_store SET value = '7' WHERE key = 'schema_version'").run()
    db.close()
    expect(() => sqliteStore(path)).toThrow(StoreSchemaError)
    expect(() => sqliteStore(path)).toThrow(
      `the durable store at ${path} has schema version 7, newer than the version 1`,
    )
  })

  it("an empty path is a TypeError that shows the value", () => {
    expect(() => sqliteStore("")).toThrow(TypeError)
  })
})
