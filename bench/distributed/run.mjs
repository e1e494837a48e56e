// The distributed benchmark: runs per second and effects per second through the pg-boss
// queue with 1, 2 and 4 `effvm worker` processes on one PostgreSQL server.
//   node bench/distributed/run.mjs [--smoke] [--runs N] [--workers 1,2,4] [--concurrency C] [--fsync off]
// Each configuration gets a fresh database on the server, starts its workers (and waits
// until they run), submits the runs, and times from the first submit until every run's
// outcome is stored; every outcome is then checked. `pnpm bench` runs it after the
// workloads (`--smoke` with `pnpm bench:smoke`). Prints a markdown table and writes
// bench/results/distributed[-smoke].json.
import { spawn } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { workQueue } from "@effvm/durable"
import pg from "pg"
import { startPostgres } from "../../scripts/services/postgres.mjs"
import { EFFECTS_PER_RUN, expected } from "./flows.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const cli = join(here, "..", "..", "packages", "effvm", "dist", "cli", "main.js")
const flows = join(here, "flows.mjs")
const handlers = join(here, "handlers.mjs")

const args = process.argv.slice(2)
const smoke = args.includes("--smoke")
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : args[i + 1]
}
const runs = Number(option("--runs", smoke ? 20 : 400))
const workerCounts = option("--workers", smoke ? "1" : "1,2,4")
  .split(",")
  .map(Number)
const concurrency = Number(option("--concurrency", 4))

// As deployed: every commit is synced to disk (`--fsync off`: a server that skips the
// syncs, to see what the workers themselves cost).
const fsync = option("--fsync", "on")
const SETTINGS = {
  fsync,
  full_page_writes: fsync,
  synchronous_commit: "on",
  max_connections: "200",
}

function startWorker(connectionString, name) {
  const child = spawn(
    process.execPath,
    [
      cli,
      "worker",
      "--database",
      connectionString,
      "--concurrency",
      String(concurrency),
      "--handlers",
      handlers,
      "--name",
      name,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  )
  return new Promise((resolve, reject) => {
    child.stdout.once("data", () => {
      child.stdout.resume()
      resolve(child)
    })
    child.once("exit", (code) => reject(new Error(`worker ${name} exited ${code}`)))
  })
}

const exited = (child) =>
  new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once("exit", r)))

/** How many runs have an outcome; 0 while no worker has created the store's table yet. */
async function finishedRuns(pool) {
  try {
    const { rows } = await pool.query(
      "SELECT count(*) AS n FROM effvm_runs WHERE outcome IS NOT NULL",
    )
    return Number(rows[0].n)
  } catch (error) {
    if (error?.code === "42P01") return 0 // undefined_table: the first worker has not started a run
    throw error
  }
}

async function measure(server, workers, index) {
  const database = `dist_${index}`
  const admin = new pg.Client({ connectionString: server.connectionString })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${database}`)
  await admin.end()
  const url = new URL(server.connectionString)
  url.pathname = `/${database}`
  const connectionString = url.href
  // The queue first, so that the workers find its schema made.
  const q = await workQueue({ connectionString })
  const children = await Promise.all(
    Array.from({ length: workers }, (_, i) => startWorker(connectionString, `bench-${i}`)),
  )
  const pool = new pg.Pool({ connectionString, max: 1 })
  pool.on("error", () => {})
  try {
    const started = performance.now()
    for (let n = 0; n < runs; n++) await q.submit(`${flows}#order`, [n], { id: `order-${n}` })
    for (;;) {
      if ((await finishedRuns(pool)) === runs) break
      await new Promise((r) => setTimeout(r, 10))
    }
    const seconds = (performance.now() - started) / 1000
    const { rows } = await pool.query("SELECT id, outcome FROM effvm_runs")
    const by = new Map()
    for (const row of rows) {
      const outcome = JSON.parse(row.outcome)
      const n = Number(row.id.slice("order-".length))
      if (outcome.status !== "done" || outcome.value !== expected(n)) {
        throw new Error(
          `run ${row.id} ended with ${row.outcome}, expected the value ${expected(n)}`,
        )
      }
      by.set(outcome.worker, (by.get(outcome.worker) ?? 0) + 1)
    }
    return {
      workers,
      concurrency,
      runs,
      seconds,
      runsPerSecond: runs / seconds,
      effectsPerSecond: (runs * EFFECTS_PER_RUN) / seconds,
      perWorker: Object.fromEntries(by),
    }
  } finally {
    for (const child of children) child.kill("SIGTERM")
    await Promise.all(children.map(exited))
    await pool.end()
    await q.close()
  }
}

const server = await startPostgres({ database: "bench", settings: SETTINGS })
const results = []
try {
  for (const [i, workers] of workerCounts.entries()) {
    const r = await measure(server, workers, i)
    results.push(r)
    console.error(
      `[distributed] ${workers} worker(s) × ${concurrency}: ${r.runs} runs in ${r.seconds.toFixed(2)} s`,
    )
  }
} finally {
  await server.stop()
}

const fmt = (x) => Math.round(x).toLocaleString("en-US")
const lines = [
  "",
  `## Distributed runs: ${runs} runs of ${EFFECTS_PER_RUN} outside effects, \`effvm worker --concurrency ${concurrency}\` processes`,
  "",
  "| workers | runs/s | effects/s | × 1 worker | runs per worker |",
  "| ------- | ------ | --------- | ---------- | --------------- |",
  ...results.map(
    (r) =>
      `| ${r.workers} | ${fmt(r.runsPerSecond)} | ${fmt(r.effectsPerSecond)} | ${(r.runsPerSecond / results[0].runsPerSecond).toFixed(2)} | ${Object.values(r.perWorker).join(", ")} |`,
  ),
  "",
  `PostgreSQL settings: ${Object.entries(SETTINGS)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")}`,
]
console.log(lines.join("\n"))
mkdirSync(join(here, "..", "results"), { recursive: true })
const file = join(here, "..", "results", smoke ? "distributed-smoke.json" : "distributed.json")
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, settings: SETTINGS, results }, null, 2)}\n`,
)
console.log(`bench distributed${smoke ? " smoke" : ""}: ${results.length} passed, 0 failed`)
