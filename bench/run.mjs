#!/usr/bin/env node
// The benchmark runner: one fresh `node` process per (runtime, workload, variant, size),
// a markdown report with ratios and targets, and bench/results/latest.json.
//
//   node bench/run.mjs [--smoke] [--only W1,W3] [--runtime effvm,floor]
//
// After the workloads it runs the distributed benchmark (bench/distributed/run.mjs;
// `--only DIST` selects it alone).
//
// Needs the TypeScript build (`pnpm build` at the root compiles bench/ to bench/dist/).
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const workerPath = join(here, "dist", "worker.js")
const ANCHORS = ["effect", "effection", "redux-saga", "dbos"]

function parseArgs(argv) {
  const opts = { smoke: false, only: undefined, runtimes: undefined }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const list = () => (argv[++i] ?? "").split(",").filter((s) => s !== "")
    if (a === "--smoke") opts.smoke = true
    else if (a === "--only") opts.only = list().map((s) => s.toUpperCase())
    else if (a === "--runtime") opts.runtimes = list()
    else if (a === "--help" || a === "-h") {
      console.log("usage: node bench/run.mjs [--smoke] [--only W1,W3] [--runtime effvm,floor]")
      process.exit(0)
    } else {
      console.error(`bench: unknown option ${a}`)
      process.exit(2)
    }
  }
  return opts
}

/** One measurement = one child process; failures become measurements with a status. */
function measure(job, smoke) {
  const args = [workerPath, job.runtime, job.spec, String(job.size)]
  if (smoke) args.push("--warmup", "0", "--warmup-ms", "0", "--reps", "1")
  else args.push("--warmup", "1", "--warmup-ms", "200", "--reps", "5")
  const res = spawnSync(process.execPath, args, {
    encoding: "utf8",
    timeout: (smoke ? 60 : 600) * 1000,
    maxBuffer: 16 * 2 ** 20,
  })
  const base = {
    workload: job.workload.id,
    runtime: job.runtime,
    variant: job.variant,
    size: job.size,
    samplesNs: [],
    unit: unitOf(job.workload),
  }
  if (res.error?.code === "ETIMEDOUT") return { ...base, status: "timeout", message: "timed out" }
  const last = (res.stdout ?? "").trim().split("\n").pop() ?? ""
  if (res.status === 0 && last.startsWith("{")) {
    try {
      return JSON.parse(last)
    } catch {}
  }
  const why = res.signal ? `killed by ${res.signal}` : `exit ${res.status}`
  const tail = (res.stderr ?? "").trim().split("\n").slice(-3).join(" | ")
  return { ...base, status: "crash", message: tail === "" ? why : `${why}: ${tail}` }
}

const unitOf = (w) => (w.metric.kind === "per-unit" ? w.metric.unit : "ms")

/** A measurement counts as passed when it completed with the right checksum; anchors may overflow. */
const passed = (m) => m.status === "ok" || (m.status === "overflow" && ANCHORS.includes(m.runtime))

function fmtNumber(x) {
  const digits = x < 1 ? 3 : x < 10 ? 2 : x < 100 ? 1 : 0
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

function fmtSize(n) {
  const exp = Math.log10(n)
  return Number.isInteger(exp) && exp >= 3 ? `1e${exp}` : n.toLocaleString("en-US")
}

function fmtResult(m) {
  switch (m.status) {
    case "ok":
      return `${fmtNumber(m.value)} ${m.unit}`
    case "mismatch":
      return `**checksum ${m.checksum}, expected ${m.expected}**`
    case "overflow":
      return "overflow"
    default:
      return `**${m.status}**${m.message ? `: ${m.message.slice(0, 80)}` : ""}`
  }
}

const caseKey = (runtime, variant) => `${runtime}/${variant}`

function report(catalog, measurements, opts) {
  const out = []
  const byKey = new Map(
    measurements.map((m) => [`${m.workload}|${caseKey(m.runtime, m.variant)}|${m.size}`, m]),
  )
  const get = (workload, runtime, variant, size) => {
    if (size !== undefined) return byKey.get(`${workload}|${caseKey(runtime, variant)}|${size}`)
    const all = measurements.filter(
      (m) => m.workload === workload && m.runtime === runtime && m.variant === variant,
    )
    return all.reduce((a, b) => (a === undefined || b.size > a.size ? b : a), undefined)
  }
  const ratio = (m, ref) =>
    ref === undefined || ref === m
      ? "—"
      : m.status === "ok" && ref.status === "ok"
        ? `${fmtNumber(m.value / ref.value)}×`
        : "n/a"

  out.push(`# effvm benchmarks${opts.smoke ? " (smoke: tiny sizes, one run each)" : ""}`)
  out.push("")
  out.push(
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${new Date().toISOString()}. ` +
      (opts.smoke
        ? "Smoke sizes: timings are not meaningful, checksums are."
        : "Median of 5 timed runs after a warm-up (one run, repeated until 200 ms were spent warming), each row in a fresh process. Compare ratios, not absolute times."),
  )
  for (const w of catalog.workloads) {
    const rows = measurements.filter((m) => m.workload === w.id)
    if (rows.length === 0) continue
    out.push("", `## ${w.id}: ${w.title}`, "")
    const rss = w.showRss === true
    out.push(
      `| runtime | case | size | median | × floor | × effvm |${rss ? " peak RSS, one run | peak RSS, all runs |" : ""}`,
      `|---|---|---|---|---|---|${rss ? "---|---|" : ""}`,
    )
    for (const m of rows) {
      const c = w.cases.find((x) => x.runtime === m.runtime && x.variant === m.variant)
      const group = c?.group ?? ""
      const refOf = (runtime) => {
        const variant =
          c?.vs?.[runtime] ??
          w.cases.find((x) => x.runtime === runtime && (x.group ?? "") === group)?.variant
        return variant === undefined ? undefined : get(w.id, runtime, variant, m.size)
      }
      const floorRef = m.runtime === "floor" ? undefined : refOf("floor")
      const label = `${c?.label ?? m.variant}${m.variant ? ` \`${m.variant}\`` : ""}`
      const cells = [
        m.runtime,
        label,
        fmtSize(m.size),
        fmtResult(m),
        ratio(m, floorRef),
        ratio(m, refOf("effvm")),
      ]
      const mbCell = (x) => (x === undefined ? "" : `${fmtNumber(x)} MB`)
      if (rss) cells.push(mbCell(m.rssFirstRunMB), mbCell(m.rssPeakMB))
      out.push(`| ${cells.join(" | ")} |`)
    }
  }
  const targets = catalog.workloads.flatMap((w) => w.targets)
  const outcomes = targets.map((t) => ({ text: t.text, ...safeCheck(t, get) }))
  if (outcomes.length > 0) {
    out.push(
      "",
      `## Targets${opts.smoke ? " (smoke sizes: this only exercises the checks)" : ""}`,
      "",
    )
    if (opts.smoke) {
      out.push(
        "A smoke run times each row once at about 1/1000 of its size, with no warm-up, so",
        "its figures are dominated by start-up and JIT compilation. A target it does not reach",
        "is marked `miss (smoke)`: information, not a failure. What fails a smoke run is a",
        "wrong checksum, an error, a crash or a timeout; targets are judged by the full run",
        "(`pnpm bench`).",
        "",
      )
    }
    out.push("| target | measured | status |", "|---|---|---|")
    const shown = (status) => (opts.smoke && status === "miss" ? "miss (smoke)" : status)
    for (const o of outcomes) out.push(`| ${o.text} | ${o.measured} | ${shown(o.status)} |`)
  }
  return { markdown: out.join("\n"), targets: outcomes }
}

function safeCheck(target, get) {
  try {
    return target.check(get)
  } catch (e) {
    return { measured: `check failed: ${e instanceof Error ? e.message : e}`, status: "n/a" }
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  if (!existsSync(workerPath)) {
    console.error("bench: bench/dist/worker.js is missing; run `pnpm build` at the root first")
    process.exit(2)
  }
  const { loadAll } = await import(join(here, "dist", "catalog.js"))
  const loaded = await loadAll()
  const workloads = loaded.workloads.filter((w) => !opts.only || opts.only.includes(w.id))
  const failures = loaded.failures.filter(
    (f) => !opts.only || opts.only.some((id) => f.file.startsWith(`${id.toLowerCase()}-`)),
  )
  for (const f of failures) console.error(`bench: cannot load ${f.file}: ${f.message}`)

  const jobs = []
  for (const w of workloads) {
    for (const c of w.cases) {
      if (opts.runtimes && !opts.runtimes.includes(c.runtime)) continue
      const sizes = opts.smoke ? (c.smokeSizes ?? w.smokeSizes) : (c.sizes ?? w.sizes)
      for (const size of sizes) {
        const spec = c.variant === "" ? w.id : `${w.id}/${c.variant}`
        jobs.push({ workload: w, runtime: c.runtime, variant: c.variant, spec, size })
      }
    }
  }

  if (jobs.length === 0 && failures.length === 0 && opts.only?.join() === "DIST") {
    process.exit(runDistributed(opts) ? 0 : 1)
  }
  if (jobs.length === 0 && failures.length === 0) {
    console.error("bench: nothing selected (check --only and --runtime)")
    process.exit(2)
  }

  const started = Date.now()
  const measurements = []
  // A workload that needs a server gets one, started here for the whole run (so its rows
  // share it) and stopped before the report.
  const servers = []
  if (jobs.some((j) => j.workload.services?.includes("postgres"))) {
    const { startPostgres } = await import(join(here, "..", "scripts", "services", "postgres.mjs"))
    // A server as deployed: every commit is synced to disk (the test servers skip fsync).
    const pg = await startPostgres({
      database: "bench",
      settings: { fsync: "on", full_page_writes: "on" },
    })
    servers.push(pg)
    process.env.EFFVM_BENCH_POSTGRES = pg.connectionString
  }
  try {
    for (const [i, job] of jobs.entries()) {
      const m = measure(job, opts.smoke)
      measurements.push(m)
      const mark = passed(m) ? "" : "  FAILED"
      console.error(
        `[${i + 1}/${jobs.length}] ${job.runtime} ${job.spec} ${fmtSize(job.size)}: ${fmtResult(m)}${mark}`,
      )
    }
  } finally {
    for (const server of servers) await server.stop()
  }

  const { markdown, targets } = report({ workloads }, measurements, opts)
  console.log(markdown)

  mkdirSync(join(here, "results"), { recursive: true })
  const file = join(here, "results", opts.smoke ? "smoke.json" : "latest.json")
  const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length }
  const result = { ...meta, mode: opts.smoke ? "smoke" : "full", measurements, targets }
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)

  const distributedOk =
    (opts.only !== undefined && !opts.only.includes("DIST")) ||
    (opts.runtimes !== undefined && !opts.runtimes.includes("effvm"))
      ? true
      : runDistributed(opts)
  const ok = measurements.filter(passed).length
  const failed = measurements.length - ok + failures.length + (distributedOk ? 0 : 1)
  const secs = ((Date.now() - started) / 1000).toFixed(1)
  console.log("")
  console.log(`results: ${file} (${secs} s)`)
  if (opts.smoke) {
    const missed = targets.filter((t) => t.status === "miss").length
    if (missed > 0)
      console.log(
        `targets: ${missed} of ${targets.length} not reached at smoke sizes (expected; not counted as failures)`,
      )
  }
  console.log(`bench${opts.smoke ? " smoke" : ""}: ${ok} passed, ${failed} failed`)
  process.exit(failed === 0 ? 0 : 1)
}

/**
 * The distributed benchmark (bench/distributed/run.mjs: runs per second through the queue
 * with 1, 2 and 4 worker processes) runs after the workloads, in a process of its own
 * (`--only DIST` runs only it). Whether it passed.
 */
function runDistributed(opts) {
  const script = join(here, "distributed", "run.mjs")
  const r = spawnSync(process.execPath, [script, ...(opts.smoke ? ["--smoke"] : [])], {
    stdio: "inherit",
    timeout: (opts.smoke ? 120 : 900) * 1000,
  })
  return r.status === 0
}

await main()
