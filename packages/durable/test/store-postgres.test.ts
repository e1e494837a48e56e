import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type PostgresServer, startPostgres } from "../../../scripts/services/postgres.mjs"
import { type PostgresStore, postgresStore } from "../src/store/postgres.js"
import { StoreSchemaError } from "../src/store/store.js"
import { storeContract } from "./store-contract.js"

let server: PostgresServer
let admin: pg.Pool
let databases = 0

// Each store under test gets a database of its own on one server.
async function freshDatabase(): Promise<string> {
  const name = `store_${++databases}`
  await admin.query(`CREATE DATABASE ${name}`)
  return server.connectionString.replace(/\/[^/]+$/, `/${name}`)
}

beforeAll(async () => {
  server = await startPostgres()
  admin = new pg.Pool({ connectionString: server.connectionString })
  admin.on("error", () => {})
}, 60_000)
afterAll(async () => {
  await admin?.end()
  await server?.stop()
})

const urls = new WeakMap<object, string>()

describe("postgresStore", () => {
  storeContract({
    open: async () => {
      const url = await freshDatabase()
      const store = postgresStore(url)
      urls.set(store, url)
      return store
    },
    openAgain: async (store) => postgresStore(urls.get(store)!),
    childArgs: (store) => ["postgres", urls.get(store)!],
  })

  it("takes { connectionString } and a pg.Pool, and leaves a pool it was given open", async () => {
    const url = await freshDatabase()
    const fromOptions = postgresStore({ connectionString: url })
    const claim = await fromOptions.claim("shared")
    await claim.append(0, ["a"])
    await claim.release()
    await fromOptions.close()
    const pool = new pg.Pool({ connectionString: url })
    const fromPool = postgresStore(pool)
    expect((await fromPool.load("shared"))?.entries).toEqual(["a"])
    await fromPool.close()
    expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1)
    await pool.end()
  })

  it("a database whose store schema is newer is refused with StoreSchemaError", async () => {
    const url = await freshDatabase()
    const first = postgresStore(url) as PostgresStore
    await first.ready()
    await first.close()
    const db = new pg.Pool({ connectionString: url })
    await db.query("UPDATE effvm_store SET value = '3' WHERE key = 'schema_version'")
    await db.end()
    const store = postgresStore(url)
    await expect(store.ready()).rejects.toBeInstanceOf(StoreSchemaError)
    await expect(store.load("x")).rejects.toThrow(/has schema version 3, newer than the version 1/)
    await store.close()
  })

  it("two stores opening a new database at once create the schema once", async () => {
    const url = await freshDatabase()
    const stores = [postgresStore(url), postgresStore(url), postgresStore(url)]
    await Promise.all(stores.map((s) => s.ready()))
    const db = new pg.Pool({ connectionString: url })
    const rows = await db.query("SELECT value FROM effvm_store")
    expect(rows.rows).toEqual([{ value: "1" }])
    await db.end()
    await Promise.all(stores.map((s) => s.close()))
  })

  it("a value that is not a connection string, options or a pool is a TypeError", () => {
    expect(() => postgresStore(42 as never)).toThrow(/got 42/)
  })
})
