import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { handler, Transfer } from "@effvm/vm-core"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type PostgresServer, startPostgres } from "../../../scripts/services/postgres.mjs"
import { type DistributedOutcome, workQueue } from "../src/distributed/queue.js"
import { record } from "../src/record.js"
// @ts-expect-error: a plain JS fixture
import { answerOf, Step } from "./fixtures/dist-effects.mjs"
// @ts-expect-error: a plain JS fixture
import { flow } from "./fixtures/dist-flows.mjs"

const cli = fileURLToPath(new URL("../../effvm/dist/cli/main.js", import.meta.url))
const flows = fileURLToPath(new URL("./fixtures/dist-flows.mjs", import.meta.url))
const handlersModule = fileURLToPath(new URL("./fixtures/dist-handlers.mjs", import.meta.url))

let server: PostgresServer
let pool: pg.Pool
const children: ChildProcess[] = []

beforeAll(async () => {
  server = await startPostgres()
  pool = new pg.Pool({ connectionString: server.connectionString, max: 2 })
  pool.on("error", () => {})
  await pool.query(
    "CREATE TABLE dist_effects (id bigserial PRIMARY KEY, key text, run text, pid int)",
  )
}, 60_000)
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL")
  await pool?.end()
  await server?.stop()
})

/** An `effvm worker` child process. */
function startWorkerProcess(name: string, concurrency: number): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      cli,
      "worker",
      "--database",
      server.connectionString,
      "--concurrency",
      String(concurrency),
      "--handlers",
      handlersModule,
      "--lease",
      "2",
      "--name",
      name,
    ],
    { env: { ...process.env, EFFVM_TEST_DB: server.connectionString }, stdio: "pipe" },
  )
  child.stdout?.resume()
  let stderr = ""
  child.stderr?.on("data", (d) => {
    stderr += String(d)
  })
  child.on("exit", (code) => {
    if (code !== 0 && code !== null)
      process.stderr.write(`worker ${name} exited ${code}: ${stderr}\n`)
  })
  children.push(child)
  return child
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) =>
    child.exitCode !== null ? r(child.exitCode) : child.once("exit", (code) => r(code)),
  )

/** The outcome a flow has when run alone, in this process, with a handler that only answers. */
async function alone(order: number): Promise<{ status: string; value?: unknown; error?: string }> {
  const answer = handler(
    function* answer(eff: { order: number; task: number; step: number }, k) {
      return yield* Transfer(k, answerOf(eff))
    },
    { handles: [Step] },
  )
  const { outcome } = await record(flow(order), { handlers: [answer] })
  if (outcome.status === "done") return { status: "done", value: outcome.value }
  return {
    status: "failed",
    error: `${(outcome.error as Error).name}: ${(outcome.error as Error).message}`,
  }
}

const shape = (o: DistributedOutcome) =>
  o.status === "done"
    ? { status: "done", value: o.value }
    : { status: "failed", error: `${(o.error as Error).name}: ${(o.error as Error).message}` }

describe("distributed runs on pg-boss", () => {
  test("100 runs on 3 worker processes, one killed with SIGKILL mid-way, all end as they do alone with no stored effect executed twice", async () => {
    const workers = ["w0", "w1", "w2"].map((name) => startWorkerProcess(name, 4))
    const q = await workQueue({ connectionString: server.connectionString })
    try {
      const ids: string[] = []
      for (let n = 0; n < 100; n++)
        ids.push(await q.submit(`${flows}#flow`, [n], { id: `order-${n}` }))
      // The same id again is the same run.
      expect(await q.submit(`${flows}#flow`, [0], { id: "order-0" })).toBe("order-0")

      // Kill w0 once every worker has finished a run and w0 holds runs under way.
      const victim = workers[0]!
      for (;;) {
        const { rows } = await pool.query<{ owner: string; n: string }>(
          "SELECT outcome::json->>'worker' AS owner, count(*) AS n FROM effvm_runs WHERE outcome IS NOT NULL GROUP BY 1",
        )
        const done = new Map(rows.map((r) => [r.owner, Number(r.n)]))
        if (["w0", "w1", "w2"].every((w) => (done.get(w) ?? 0) > 0)) break
        await new Promise((r) => setTimeout(r, 20))
      }
      const { rows: live } = await pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM effvm_runs WHERE outcome IS NULL",
      )
      expect(Number(live[0]!.n)).toBeGreaterThan(0)
      victim.kill("SIGKILL")
      await exited(victim)

      const outcomes = await Promise.all(ids.map((id) => q.result(id)))
      for (let n = 0; n < 100; n++) {
        expect(shape(outcomes[n]!), `order-${n}`).toEqual(await alone(n))
      }
      // Each worker finished some runs.
      const by = new Map<string, number>()
      for (const o of outcomes) by.set(o.worker ?? "?", (by.get(o.worker ?? "?") ?? 0) + 1)
      expect([...by.keys()].sort()).toEqual(["w0", "w1", "w2"])

      // The killed worker's runs were resumed elsewhere with the same run ids and keys:
      // only effects in flight at the kill (one per run it held) ran twice.
      const { rows: twice } = await pool.query<{ key: string; pids: number[] }>(
        "SELECT key, array_agg(pid ORDER BY id) AS pids FROM dist_effects GROUP BY key HAVING count(*) > 1",
      )
      expect(twice.length).toBeLessThanOrEqual(4)
      for (const row of twice) expect(row.pids[0], row.key).toBe(victim.pid)
      const { rows: resumed } = await pool.query<{ run: string }>(
        "SELECT run FROM dist_effects GROUP BY run HAVING count(DISTINCT pid) > 1",
      )
      expect(resumed.length).toBeGreaterThan(0)
      // Every run performed its 9 effects under 9 distinct keys (order-0 ran once).
      const { rows: keys } = await pool.query<{ run: string; n: string }>(
        "SELECT run, count(DISTINCT key) AS n FROM dist_effects GROUP BY run",
      )
      expect(keys.length).toBe(100)
      for (const row of keys) expect(Number(row.n), row.run).toBe(9)
    } finally {
      await q.close()
      for (const w of workers.slice(1)) w.kill("SIGTERM")
      expect(await Promise.all(workers.slice(1).map(exited))).toEqual([0, 0])
    }
  }, 90_000)
})
