import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe } from "vitest"
import { sqliteStore } from "../src/store/sqlite.js"
import { crashSuite, type EffectRow } from "./crash-suite.js"

const dir = mkdtempSync(join(tmpdir(), "effvm-crash-sqlite-"))
const file = join(dir, "runs.db")

beforeAll(async () => {
  await sqliteStore(file).close()
  const db = new Database(file)
  db.exec(
    "CREATE TABLE crash_effects (key TEXT, run TEXT, task INTEGER, step INTEGER, pid INTEGER)",
  )
  db.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("crash tests on sqliteStore", () => {
  crashSuite({
    kind: "sqlite",
    location: () => file,
    store: () => sqliteStore(file),
    async rows(id) {
      const db = new Database(file, { readonly: true })
      try {
        return db
          .prepare("SELECT key, task, step, pid FROM crash_effects WHERE run = ? ORDER BY rowid")
          .all(id) as EffectRow[]
      } finally {
        db.close()
      }
    },
  })
})
