/**
 * W1: a program performs a trivial effect answered by the nearest handler with a
 * constant, summing the answers. Unit: ns per perform.
 */
import { run, withHandler } from "@effvm/vm-core"
import { Effect } from "effect"
import * as effect from "../runtimes/effect.js"
import * as effection from "../runtimes/effection.js"
import * as effvm from "../runtimes/effvm.js"
import * as floor from "../runtimes/floor.js"
import * as saga from "../runtimes/redux-saga.js"
import { NA, ratioOf, ratioTarget, times, verdict } from "../targets.js"
import type { Case, CaseRef, Workload } from "../types.js"

const FLOOR: CaseRef = { runtime: "floor", variant: "" }
const FAST: CaseRef = { runtime: "effvm", variant: "fast" }
const GEN: CaseRef = { runtime: "effvm", variant: "gen" }

function* floorLoop(n: number): floor.FloorGen {
  let s = 0
  for (let i = 0; i < n; i++) s += yield new floor.FloorTick()
  return s
}
const floorAnswer = (eff: object): number =>
  eff instanceof floor.FloorTick ? 1 : floor.unhandled(eff)

const cases: Case[] = [
  {
    runtime: "floor",
    variant: "",
    label: "gen.next(v) loop",
    run: (n) => floor.drive(floorLoop(n), floorAnswer),
  },
  {
    runtime: "effvm",
    variant: "fast",
    label: "fast-path handler (Resume)",
    run: (n) => run(withHandler(effvm.fastTick(), effvm.tickLoop(n))),
  },
  {
    runtime: "effvm",
    variant: "gen",
    label: "generator handler (Transfer)",
    run: (n) => run(withHandler(effvm.genTick(), effvm.tickLoop(n))),
  },
  {
    runtime: "effect",
    variant: "",
    label: "service read (Effect.gen)",
    run: (n) =>
      Effect.runSync(
        Effect.provideService(effect.tickLoop(n), effect.TickService, effect.tickService),
      ),
  },
  {
    runtime: "effection",
    variant: "",
    label: "context read (expect)",
    run: (n) => effection.runWithTick(() => effection.tickLoop(n)),
  },
  {
    runtime: "redux-saga",
    variant: "",
    label: "call(fn) via runSaga",
    run: (n) => saga.runToEnd(saga.tickLoop, [n]),
  },
]

export const workload: Workload = {
  id: "W1",
  title: "perform a trivial effect, nearest handler answers",
  metric: { kind: "per-unit", unit: "ns/perform" },
  sizes: [1_000_000],
  smokeSizes: [1_000],
  expected: (n) => n,
  cases,
  targets: [
    ratioTarget("W1", "W1 fast-path ≤ 3× floor", FAST, FLOOR, (r) => r <= 3),
    {
      workload: "W1",
      text: "W1 fast-path ≥ 2× faster than the fastest anchor",
      // Effect-TS is the fastest anchor: its row times effvm's alternately in its process.
      compares: { a: { runtime: "effect", variant: "" }, b: FAST },
      check(get) {
        const anchors = (["effect", "effection", "redux-saga"] as const)
          .map((r) => ({ r, x: ratioOf(get, "W1", { runtime: r, variant: "" }, FAST) }))
          .filter((a): a is { r: typeof a.r; x: number } => a.x !== undefined)
        if (anchors.length === 0) return NA("missing effvm fast or anchors")
        const best = anchors.reduce((a, b) => (b.x < a.x ? b : a))
        return {
          measured: `${best.r} is ${times(best.x)} effvm`,
          status: verdict(best.x >= 2),
        }
      },
    },
    ratioTarget("W1", "W1 generator handler ≤ 8× floor", GEN, FLOOR, (r) => r <= 8),
    {
      workload: "W1",
      text: "default tracing adds nothing measurable to W1 and W3",
      check: () => NA("needs a build without the error-path features to compare"),
    },
  ],
}
