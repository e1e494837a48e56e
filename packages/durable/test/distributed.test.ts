import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { handler, Transfer } from "@effvm/vm-core"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type PostgresServer, startPostgres } from "../../../scripts/services/postgres.mjs"
import { type DistributedOutcome, workQueue } from "../src/distributed/queue.js"
import { record } from "../src/record.js"
import { postgresStore } from "../src/store/postgres.js"
// @ts-expect-error: a plain JS fixture
import { answerOf, Cleanup, Step } from "./fixtures/dist-effects.mjs"
// @ts-expect-error: a plain JS fixture
import { flow, slow } from "./fixtures/dist-flows.mjs"

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
  await pool.query("CREATE TABLE dist_cleanups (run text, pid int)")
  // The store's schema, which the test queries before the workers have made it.
  const store = postgresStore(server.connectionString)
  await store.load("none")
  await store.close()
}, 60_000)
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL")
  await pool?.end()
  await server?.stop()
})

/** An `effvm worker` child process, once it runs. */
async function startWorkerProcess(name: string, concurrency: number): Promise<ChildProcess> {
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
  let stderr = ""
  child.stderr?.on("data", (d) => {
    stderr += String(d)
  })
  child.on("exit", (code) => {
    if (code !== 0 && code !== null)
      process.stderr.write(`worker ${name} exited ${code}: ${stderr}\n`)
  })
  children.push(child)
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once("data", () => resolve())
    child.once("exit", (code) => reject(new Error(`worker ${name} exited ${code}: ${stderr}`)))
  })
  child.stdout?.resume()
  return child
}

const exited = (child: ChildProcess) =>
  new Promise<number | string | null>((r) =>
    child.exitCode !== null || child.signalCode !== null
      ? r(child.exitCode ?? child.signalCode)
      : child.once("exit", (code, signal) => r(code ?? signal)),
  )

/** The outcome a flow has when run alone, in this process, with a handler that only answers. */
async function alone(
  order: number,
  program: (order: number) => unknown = flow,
): Promise<{ status: string; value?: unknown; error?: string }> {
  const answer = handler(
    function* answer(eff: { order: number; task: number; step: number }, k) {
      return yield* Transfer(k, answerOf(eff))
    },
    { handles: [Step] },
  )
  const cleanup = handler(
    function* cleanup(_eff: unknown, k) {
      return yield* Transfer(k, undefined)
    },
    { handles: [Cleanup] },
  )
  const { outcome } = await record(program(order) as never, { handlers: [answer, cleanup] })
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
    const workers = await Promise.all(["w0", "w1", "w2"].map((name) => startWorkerProcess(name, 2)))
    const q = await workQueue({ connectionString: server.connectionString })
    try {
      const ids: string[] = []
      for (let n = 0; n < 100; n++) {
        ids.push(await q.submit(`${flows}#flow`, [n], { id: `order-${n}` }))
      }
      // The same id again is the same run.
      expect(await q.submit(`${flows}#flow`, [0], { id: "order-0" })).toBe("order-0")

      // Kill w0 once every worker has finished a run and w0 holds runs under way.
      const victim = workers[0]!
      for (;;) {
        const { rows } = await pool.query<{ owner: string; n: string }>(
          "SELECT outcome::json->>'worker' AS owner, count(*) AS n FROM effvm_runs WHERE outcome IS NOT NULL GROUP BY 1",
        )
        const done = new Map(rows.map((r) => [r.owner, Number(r.n)]))
        const { rows: held } = await pool.query<{ n: string }>(
          // Runs w0 is early in (at most 4 of their 9 effects done): still under way at the kill.
          `SELECT count(*) AS n FROM (
             SELECT e.run FROM dist_effects e JOIN effvm_runs r ON r.id = e.run
             WHERE e.pid = $1 AND r.outcome IS NULL GROUP BY e.run HAVING count(*) <= 4) early`,
          [victim.pid],
        )
        const everyoneFinishedOne = ["w0", "w1", "w2"].every((w) => (done.get(w) ?? 0) > 0)
        if (everyoneFinishedOne && Number(held[0]!.n) > 0) break
        await new Promise((r) => setTimeout(r, 10))
      }
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
      // only effects in flight at the kill (at most one per run it held) ran twice.
      const { rows: twice } = await pool.query<{ key: string; pids: number[] }>(
        "SELECT key, array_agg(pid ORDER BY id) AS pids FROM dist_effects GROUP BY key HAVING count(*) > 1",
      )
      expect(twice.length).toBeLessThanOrEqual(2 * 3)
      for (const row of twice) expect(row.pids[0], row.key).toBe(victim.pid)
      const { rows: resumed } = await pool.query<{ run: string }>(
        `SELECT run FROM dist_effects GROUP BY run
         HAVING bool_or(pid = $1) AND bool_or(pid <> $1)`,
        [victim.pid],
      )
      expect(resumed.length).toBeGreaterThan(0)
      // Every run performed its 9 effects under 9 distinct keys (order-0 ran once).
      const { rows: keys } = await pool.query<{ run: string; n: string; rows: string }>(
        "SELECT run, count(DISTINCT key) AS n, count(*) AS rows FROM dist_effects GROUP BY run",
      )
      expect(keys.length).toBe(100)
      for (const row of keys) expect(Number(row.n), row.run).toBe(9)
      expect(keys.find((r) => r.run === "order-0")?.rows).toBe("9")

      for (const w of workers.slice(1)) w.kill("SIGTERM")
      expect(await Promise.all(workers.slice(1).map(exited))).toEqual([0, 0])
    } finally {
      await q.close()
      // After a failure, no worker of this test may take the next test's runs.
      for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL")
    }
  }, 90_000)

  test("a worker stopped with SIGTERM runs its runs' cleanups, exits 0, and another worker finishes them", async () => {
    const first = await startWorkerProcess("stopping", 2)
    const q = await workQueue({ connectionString: server.connectionString })
    try {
      const ids = [
        await q.submit(`${flows}#slow`, [500], { id: "slow-500" }),
        await q.submit(`${flows}#slow`, [501], { id: "slow-501" }),
      ]
      for (;;) {
        const { rows } = await pool.query<{ run: string }>(
          "SELECT run FROM dist_effects WHERE run LIKE 'slow-%' GROUP BY run HAVING count(*) >= 3",
        )
        // Each task of both runs has begun (its first step is under way or done).
        if (rows.length === 2) break
        await new Promise((r) => setTimeout(r, 20))
      }
      first.kill("SIGTERM")
      expect(await exited(first)).toBe(0)
      const { rows: cleaned } = await pool.query<{ run: string; n: string }>(
        "SELECT run, count(*) AS n FROM dist_cleanups WHERE pid = $1 GROUP BY run ORDER BY run",
        [first.pid],
      )
      expect(cleaned.map((r) => [r.run, Number(r.n)])).toEqual([
        ["slow-500", 3],
        ["slow-501", 3],
      ])
      const { rows: open } = await pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM effvm_runs WHERE id LIKE 'slow-%' AND outcome IS NULL",
      )
      expect(Number(open[0]!.n)).toBe(2)

      const second = await startWorkerProcess("taking-over", 2)
      const outcomes = await Promise.all(ids.map((id) => q.result(id)))
      expect(outcomes.map(shape)).toEqual([await alone(500, slow), await alone(501, slow)])
      expect(outcomes.map((o) => o.worker)).toEqual(["taking-over", "taking-over"])
      second.kill("SIGTERM")
      expect(await exited(second)).toBe(0)
    } finally {
      await q.close()
      for (const w of children) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL")
    }
  }, 60_000)

  test("a failed run's outcome carries its traceback and the worker that ran it; effvm replay --database replays it", async () => {
    const q = await workQueue({ connectionString: server.connectionString })
    try {
      const outcome = await q.result("order-7")
      expect(outcome.status).toBe("failed")
      if (outcome.status !== "failed") return
      expect((outcome.error as Error).message).toBe("declined order 7")
      expect(outcome.taskName).toBe("part 1")
      expect(outcome.worker).toMatch(/^w[012]$/)
      expect(outcome.traceback).toContain(`on worker ${outcome.worker}`)
      expect(outcome.traceback).toContain("effvm Traceback (most recent call last):")
      expect(outcome.traceback).toContain("Error: declined order 7")

      const replayed = spawnSync(
        process.execPath,
        [cli, "replay", "--database", server.connectionString, "--id", "order-7"],
        { encoding: "utf8" },
      )
      expect(replayed.status).toBe(1)
      const tracebackLines = outcome.traceback!.split("\n").slice(1)
      expect(replayed.stderr).toContain(tracebackLines.join("\n"))
    } finally {
      await q.close()
    }
  })

  test("effvm replay --database prints a done run's value without running its effects", async () => {
    const before = await pool.query("SELECT count(*) FROM dist_effects")
    const replayed = spawnSync(
      process.execPath,
      [cli, "replay", "--database", server.connectionString, "--id", "order-3"],
      { encoding: "utf8" },
    )
    expect(replayed.status).toBe(0)
    const expected = (await alone(3)).value as { total: number }
    expect(replayed.stdout).toContain(String(expected.total))
    expect(await pool.query("SELECT count(*) FROM dist_effects")).toMatchObject({
      rows: before.rows,
    })
  })

  test("a bad run reference is a TypeError naming it, and an unknown id is an error", async () => {
    const q = await workQueue({ connectionString: server.connectionString })
    try {
      await expect(q.submit("#flow", [])).rejects.toThrow(/"#flow"/)
      await expect(q.submit(`${flows}#flow`, 5 as never)).rejects.toThrow(/args must be an array/)
      await expect(q.result("never-submitted")).rejects.toThrow(/no run with this id/)
    } finally {
      await q.close()
    }
  })
})
