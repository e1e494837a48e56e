/** A target that is an absolute time budget per unit (W4, W5), shown with the floor ratio. */
import { fmtValue, NA, okValue, times, verdict } from "./targets.js"
import type { Target } from "./types.js"

/** `text` passes when effvm's (single-form) row of `workload` takes at most `limitNs` per unit. */
export function budgetTarget(workload: string, text: string, limitNs: number): Target {
  return {
    workload,
    text,
    check(get) {
      const v = okValue(get(workload, "effvm", ""))
      const f = okValue(get(workload, "floor", ""))
      if (v === undefined) return NA("missing effvm")
      const vs = f === undefined ? "" : ` (${times(v / f)} floor)`
      return { measured: `${fmtValue(v, "ns")}${vs}`, status: verdict(v <= limitNs) }
    },
  }
}
