/** Helpers for writing the bench/README.md targets as checks over one run's measurements. */
import type { Measurement, Target, TargetOutcome } from "./types.js"

export const NA = (why: string): TargetOutcome => ({ measured: why, status: "n/a" })

/** The median of an ok measurement, or undefined when it is missing or failed. */
export function okValue(m: Measurement | undefined): number | undefined {
  return m !== undefined && m.status === "ok" ? m.value : undefined
}

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
  return {
    workload,
    text: `${workload}: effvm faster than Effect-TS`,
    check(get) {
      const mine = get(workload, "effvm", variant)
      const v = okValue(mine)
      const x = okValue(mine === undefined ? undefined : get(workload, "effect", "", mine.size))
      if (v === undefined || x === undefined) return NA("missing effvm or Effect-TS")
      return { measured: `Effect-TS takes ${times(x / v)} effvm's time`, status: verdict(x > v) }
    },
  }
}
