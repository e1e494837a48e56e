import pg from "pg"
import { afterAll, beforeAll, describe } from "vitest"
import { type PostgresServer, startPostgres } from "../../../scripts/services/postgres.mjs"
import { postgresStore } from "../src/store/postgres.js"
import { crashSuite, type EffectRow } from "./crash-suite.js"

let server: PostgresServer
let pool: pg.Pool

beforeAll(async () => {
  server = await startPostgres()
  pool = new pg.Pool({ connectionString: server.connectionString })
  pool.on("error", () => {})
  await pool.query(
    "CREATE TABLE crash_effects (id bigserial PRIMARY KEY, key text, run text, task int, step int, pid int)",
  )
}, 60_000)
afterAll(async () => {
  await pool?.end()
  await server?.stop()
})

describe("crash tests on postgresStore", () => {
  crashSuite({
    kind: "postgres",
    location: () => server.connectionString,
    store: () => postgresStore(server.connectionString),
    async rows(id) {
      const result = await pool.query<EffectRow>(
        "SELECT key, task, step, pid FROM crash_effects WHERE run = $1 ORDER BY id",
        [id],
      )
      return result.rows
    },
  })
})
