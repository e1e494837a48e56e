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
  return ratioTarget(
    workload,
    `${workload}: effvm faster than Effect-TS`,
    { runtime: "effvm", variant },
    { runtime: "effect", variant: "" },
    (r) => r < 1,
    (r) => `Effect-TS takes ${times(1 / r)} effvm's time`,
  )
}

/**
 * A target on case `a`'s time over case `b`'s (`ratioOf`, both from `a`'s process): met
 * when `pass(ratio)`; the ratio shown as `show(ratio)`.
 */
export function ratioTarget(
  workload: string,
  text: string,
  a: CaseRef,
  b: CaseRef,
  pass: (ratio: number) => boolean,
  show: (ratio: number) => string = times,
): Target {
  return {
    workload,
    text,
    compares: { a, b },
    check(get) {
      const r = ratioOf(get, workload, a, b)
      if (r === undefined) return NA(`missing ${caseName(a)} or ${caseName(b)}`)
      return { measured: show(r), status: verdict(pass(r)) }
    },
  }
}

const caseName = (c: CaseRef) => (c.variant === "" ? c.runtime : `${c.runtime} ${c.variant}`)
