/** Helpers for writing the bench/README.md targets as checks over one run's measurements. */
import type { CaseRef, Lookup, Measurement, Target, TargetOutcome } from "./types.js"

export const NA = (why: string): TargetOutcome => ({ measured: why, status: "n/a" })

/** The median of an ok measurement, or undefined when it is missing or failed. */
export function okValue(m: Measurement | undefined): number | undefined {
  return m !== undefined && m.status === "ok" ? m.value : undefined
}

/**
 * Case `a`'s time over case `b`'s at `a`'s size: from one process, run by run, when either
 * was timed alternately with the other there (a target's `compares`), else the ratio of the
 * two rows' medians, each from its own process.
 */
export function ratioOf(get: Lookup, workload: string, a: CaseRef, b: CaseRef): number | undefined {
  const ma = get(workload, a.runtime, a.variant)
  const va = okValue(ma)
  if (va !== undefined && isCase(ma?.paired, b)) return ma!.paired!.ratio
  const mb = get(workload, b.runtime, b.variant, ma?.size)
  const vb = okValue(mb)
  if (vb !== undefined && isCase(mb?.paired, a)) return 1 / mb!.paired!.ratio
  return va === undefined || vb === undefined ? undefined : va / vb
}

const isCase = (x: CaseRef | undefined, ref: CaseRef) =>
  x !== undefined && x.runtime === ref.runtime && x.variant === ref.variant

export const verdict = (ok: boolean): "pass" | "miss" => (ok ? "pass" : "miss")

export const times = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)}×`

export function fmtValue(x: number, unit: string): string {
  const digits = x < 10 ? 2 : x < 100 ? 1 : 0
  return `${x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`
}

/**
 * The community benchmarks' target: effvm's row `variant` takes less time than Effect-TS's
 * (variant "") at effvm's largest size.
 */
export function fasterThanEffect(workload: string, variant = ""): Target {
  const mine: CaseRef = { runtime: "effvm", variant }
  const effect: CaseRef = { runtime: "effect", variant: "" }
  return {
    workload,
    text: `${workload}: effvm faster than Effect-TS`,
    compares: { a: mine, b: effect },
    check(get) {
      const r = ratioOf(get, workload, mine, effect)
      if (r === undefined) return NA("missing effvm or Effect-TS")
      return { measured: `Effect-TS takes ${times(1 / r)} effvm's time`, status: verdict(r < 1) }
    },
  }
}
