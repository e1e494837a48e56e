/**
 * Measures one (runtime, workload, size) in this process and prints one JSON line.
 *
 *   node dist/worker.js <runtime> <workload>[/<variant>] <size>
 *        [--warmup N] [--warmup-ms MS] [--reps N]
 *
 * Warm-up: `warmup` runs (default 1), repeated while less than `warmup-ms` (default 200)
 * has been spent warming, so that sub-millisecond runs (W3 at D = 10^3) are timed
 * JIT-compiled rather than in the interpreter. Then the median of `reps` (default 5)
 * timed runs; every run's checksum is checked. No forced GC between runs: a `gc()` before
 * each run made short runs 5-50× slower and noisy (compiled code and feedback are dropped).
 */
import { loadWorkload } from "./catalog.js"
import type { Case, Measurement, RuntimeId, Workload } from "./types.js"

function parseArgs(argv: string[]) {
  const positional: string[] = []
  const flags: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith("--")) flags[a.slice(2)] = argv[++i] ?? ""
    else positional.push(a)
  }
  const [runtime, spec, size] = positional
  if (runtime === undefined || spec === undefined || size === undefined) {
    throw new Error(
      "usage: worker.js <runtime> <workload>[/<variant>] <size> [--warmup N] [--reps N]",
    )
  }
  const [workload = "", variant = ""] = spec.split("/")
  return {
    runtime: runtime as RuntimeId,
    workload,
    variant,
    size: Number(size),
    warmup: Number(flags.warmup ?? 1),
    warmupMs: Number(flags["warmup-ms"] ?? 200),
    reps: Number(flags.reps ?? 5),
  }
}

// A RangeError from a too-deep JS stack: the outcome W3 reports as "overflow".
const isOverflow = (e: unknown) =>
  e instanceof RangeError && /call stack|too much recursion/i.test(e.message)

async function runOnce(c: Case, size: number): Promise<{ ns: number; checksum: number }> {
  const t0 = process.hrtime.bigint()
  const r = c.run(size)
  const checksum = r instanceof Promise ? await r : r
  return { ns: Number(process.hrtime.bigint() - t0), checksum }
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10

interface Plan {
  readonly size: number
  readonly warmup: number
  readonly warmupMs: number
  readonly reps: number
}

async function measure(
  w: Workload,
  c: Case,
  plan: Plan,
  partner: Case | undefined,
): Promise<Measurement> {
  const { size, reps } = plan
  const expected = w.expected(size, c)
  const unit = w.metric.kind === "per-unit" ? w.metric.unit : "ms"
  const base = {
    workload: w.id,
    runtime: c.runtime,
    variant: c.variant,
    size,
    expected,
    unit,
    rssBaseMB: mb(process.memoryUsage().rss),
  }
  const samplesNs: number[] = []
  const pairedNs: number[] = []
  let checksum: number | undefined
  let rssFirstRunMB: number | undefined
  const firstRunEnded = () => {
    rssFirstRunMB ??= mb(process.resourceUsage().maxRSS * 1024)
  }
  try {
    let warmed = 0
    for (let runs = 0; runs < plan.warmup || (runs > 0 && warmed < plan.warmupMs * 1e6); runs++) {
      const once = await runOnce(c, size)
      firstRunEnded()
      checksum = once.checksum
      if (checksum !== expected) break
      warmed += once.ns
      if (partner !== undefined) warmed += (await checkedRun(w, partner, size)).ns
    }
    // A paired ratio is a median of per-run ratios: more runs, so that one slow run of either
    // side does not move it (a full run only; smoke runs time one).
    const timed = partner !== undefined && reps >= 5 ? Math.max(reps, PAIRED_RUNS) : reps
    for (let i = 0; i < timed; i++) {
      if (checksum !== undefined && checksum !== expected) break
      const once = await runOnce(c, size)
      firstRunEnded()
      checksum = once.checksum
      samplesNs.push(once.ns)
      if (partner !== undefined) pairedNs.push((await checkedRun(w, partner, size)).ns)
    }
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    return { ...base, status: isOverflow(e) ? "overflow" : "error", samplesNs, message }
  }
  const rssPeakMB = mb(process.resourceUsage().maxRSS * 1024)
  if (checksum !== expected)
    return { ...base, status: "mismatch", checksum, samplesNs, rssPeakMB, rssFirstRunMB }
  const inMetric = (ns: readonly number[]) =>
    w.metric.kind === "per-unit" ? median(ns) / size : median(ns) / 1e6
  const value = inMetric(samplesNs)
  const paired =
    partner === undefined
      ? undefined
      : {
          runtime: partner.runtime,
          variant: partner.variant,
          samplesNs: pairedNs,
          value: inMetric(pairedNs),
          ratio: median(samplesNs.map((ns, i) => ns / pairedNs[i]!)),
        }
  return { ...base, status: "ok", checksum, samplesNs, value, rssPeakMB, rssFirstRunMB, paired }
}

/** Timed runs of a case measured with its partner (a full run's default is five). */
const PAIRED_RUNS = 9

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** A run of the paired case, whose checksum must be right too. */
async function checkedRun(w: Workload, c: Case, size: number) {
  const once = await runOnce(c, size)
  const expected = w.expected(size, c)
  if (once.checksum !== expected) {
    throw new Error(
      `paired case ${c.runtime}/${c.variant}: checksum ${once.checksum}, expected ${expected}`,
    )
  }
  return once
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const w = await loadWorkload(args.workload)
  const c = w.cases.find((x) => x.runtime === args.runtime && x.variant === args.variant)
  if (c === undefined) throw new Error(`no case ${args.runtime} ${args.workload}/${args.variant}`)
  // The case a target compares this one with, timed alternately in this process.
  const pair = w.targets.find(
    (t) => t.compares?.a.runtime === c.runtime && t.compares.a.variant === c.variant,
  )?.compares?.b
  const partner =
    pair === undefined
      ? undefined
      : w.cases.find((x) => x.runtime === pair.runtime && x.variant === pair.variant)
  const m = await measure(w, c, args, partner)
  // Exit explicitly: a runtime left mid-run (overflow) may keep timers or handles alive.
  process.stdout.write(`${JSON.stringify(m)}\n`, () => process.exit(0))
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(2)
})
