/**
 * W2: as W1, but the answering handler sits outside 100 nested handlers that do not
 * answer the effect; depth 0 is the control. Unit: ns per perform.
 *
 * effvm runs it twice: the 100 handlers either declare `handles: [Other]` (indexed: the
 * machine should skip them unasked) or are catch-alls that `Pass()` (scanned: each is
 * called). Depth 10 of the scanned form gives the cost of one pass.
 */
import { type handler, run, withHandlers } from "@effvm/vm-core"
import { Effect } from "effect"
import * as effect from "../runtimes/effect.js"
import * as effection from "../runtimes/effection.js"
import * as effvm from "../runtimes/effvm.js"
import * as floor from "../runtimes/floor.js"
import * as saga from "../runtimes/redux-saga.js"
import { NA, okValue, times, verdict } from "../targets.js"
import type { Case, Workload } from "../types.js"

const DEPTH = 100

function* floorLoop(n: number): floor.FloorGen {
  let s = 0
  for (let i = 0; i < n; i++) s += yield new floor.FloorTick()
  return s
}
const floorAnswer: floor.FloorHandler = (eff) => (eff instanceof floor.FloorTick ? 1 : floor.PASS)

function floorIndexed(depth: number, n: number): number {
  const others: floor.FloorHandler[] = Array.from({ length: depth }, () => () => 0)
  const index = new Map<Function, floor.FloorHandler[]>([
    [floor.FloorTick, [floorAnswer]],
    [floor.FloorOther, others],
  ])
  return floor.drive(floorLoop(n), floor.indexedLookup(index))
}

function floorScanned(depth: number, n: number): number {
  const passes: floor.FloorHandler[] = Array.from({ length: depth }, () => () => floor.PASS)
  return floor.drive(floorLoop(n), floor.scannedLookup([floorAnswer, ...passes]))
}

type Handler = ReturnType<typeof handler>

/** effvm: `answer` outermost, then `depth` handlers made by `other` (`withHandlers` is outermost first). */
function effvmNested(answer: Handler, other: () => Handler, depth: number, n: number): number {
  const outer = Array.from({ length: depth }, other)
  return run(withHandlers([answer, ...outer], effvm.tickLoop(n)))
}

function effectNested(depth: number, n: number): number {
  let body = effect.tickLoop(n)
  for (const other of effect.otherServices(depth)) {
    body = Effect.provideService(body, other, { id: 0 })
  }
  return Effect.runSync(Effect.provideService(body, effect.TickService, effect.tickService))
}

const effectionNested = (depth: number, n: number) =>
  effection.runWithTick(() =>
    effection.nestedScopes(effection.otherContexts(depth), () => effection.tickLoop(n)),
  )

const sagaNested = (depth: number, n: number) =>
  saga.runToEnd(saga.tickLoop, [n], saga.passMiddlewares(depth))

const cases: Case[] = [
  {
    runtime: "floor",
    variant: `indexed-${DEPTH}`,
    label: "handler index by class",
    group: "depth 100",
    run: (n) => floorIndexed(DEPTH, n),
  },
  {
    runtime: "floor",
    variant: `scanned-${DEPTH}`,
    label: "scan, each handler passes",
    group: "depth 100",
    run: (n) => floorScanned(DEPTH, n),
  },
  {
    runtime: "floor",
    variant: "scanned-10",
    label: "scan, each handler passes",
    group: "depth 10",
    run: (n) => floorScanned(10, n),
  },
  {
    runtime: "floor",
    variant: "0",
    label: "control",
    group: "depth 0",
    run: (n) => floorScanned(0, n),
  },
  {
    runtime: "effvm",
    variant: `fast-indexed-${DEPTH}`,
    label: "fast path; outer handlers declare `handles`",
    group: "depth 100",
    vs: { floor: `indexed-${DEPTH}` },
    run: (n) => effvmNested(effvm.fastTick(), effvm.indexedOther, DEPTH, n),
  },
  {
    runtime: "effvm",
    variant: `fast-scanned-${DEPTH}`,
    label: "fast path; outer handlers `Pass()`",
    group: "depth 100",
    vs: { floor: `scanned-${DEPTH}` },
    run: (n) => effvmNested(effvm.fastTick(), effvm.passAll, DEPTH, n),
  },
  {
    runtime: "effvm",
    variant: `gen-indexed-${DEPTH}`,
    label: "generator handler; outer handlers declare `handles`",
    group: "depth 100",
    vs: { floor: `indexed-${DEPTH}` },
    run: (n) => effvmNested(effvm.genTick(), effvm.indexedOther, DEPTH, n),
  },
  {
    runtime: "effvm",
    variant: "fast-scanned-10",
    label: "fast path; outer handlers `Pass()`",
    group: "depth 10",
    run: (n) => effvmNested(effvm.fastTick(), effvm.passAll, 10, n),
  },
  {
    runtime: "effvm",
    variant: "fast-0",
    label: "fast path, control",
    group: "depth 0",
    run: (n) => effvmNested(effvm.fastTick(), effvm.passAll, 0, n),
  },
  {
    runtime: "effvm",
    variant: "gen-0",
    label: "generator handler, control",
    group: "depth 0",
    run: (n) => effvmNested(effvm.genTick(), effvm.passAll, 0, n),
  },
  {
    runtime: "effect",
    variant: `${DEPTH}`,
    label: "100 other services provided inside",
    group: "depth 100",
    run: (n) => effectNested(DEPTH, n),
  },
  {
    runtime: "effect",
    variant: "0",
    label: "control",
    group: "depth 0",
    run: (n) => effectNested(0, n),
  },
  {
    runtime: "effection",
    variant: `${DEPTH}`,
    label: "100 nested scopes, each with its own context",
    group: "depth 100",
    run: (n) => effectionNested(DEPTH, n),
  },
  {
    runtime: "effection",
    variant: "0",
    label: "control",
    group: "depth 0",
    run: (n) => effectionNested(0, n),
  },
  {
    runtime: "redux-saga",
    variant: `${DEPTH}`,
    label: "100 pass-through effect middlewares",
    group: "depth 100",
    run: (n) => sagaNested(DEPTH, n),
  },
  {
    runtime: "redux-saga",
    variant: "0",
    label: "control",
    group: "depth 0",
    run: (n) => sagaNested(0, n),
  },
]

export const workload: Workload = {
  id: "W2",
  title: "perform under 100 nested handlers that do not answer",
  metric: { kind: "per-unit", unit: "ns/perform" },
  sizes: [100_000],
  smokeSizes: [100],
  expected: (n) => n,
  cases,
  targets: [
    {
      workload: "W2",
      text: "W2 depth 100, handlers declaring `handles`: ≤ 1.5× effvm's own W1 (flat in depth)",
      check(get) {
        const v = okValue(get("W2", "effvm", `fast-indexed-${DEPTH}`))
        const w1 = okValue(get("W1", "effvm", "fast"))
        if (v === undefined || w1 === undefined) return NA("missing effvm W2 indexed or W1 fast")
        return { measured: `${times(v / w1)} W1`, status: verdict(v / w1 <= 1.5) }
      },
    },
    {
      workload: "W2",
      text: "W2 depth 100, handlers that `Pass`: ≤ 100 × one pass (one pass measured at depth 10; 25% noise allowance)",
      check(get) {
        const d0 = okValue(get("W2", "effvm", "fast-0"))
        const d10 = okValue(get("W2", "effvm", "fast-scanned-10"))
        const d100 = okValue(get("W2", "effvm", `fast-scanned-${DEPTH}`))
        if (d0 === undefined || d10 === undefined || d100 === undefined) {
          return NA("missing effvm fast-0, fast-scanned-10 or fast-scanned-100")
        }
        const onePass = (d10 - d0) / 10
        const perPass100 = (d100 - d0) / DEPTH
        if (onePass <= 0)
          return NA(`one pass too cheap to measure (${(d10 - d0).toFixed(1)} ns for 10)`)
        return {
          measured: `${perPass100.toFixed(2)} ns/pass at depth 100, ${onePass.toFixed(2)} at depth 10`,
          status: verdict(perPass100 <= 1.25 * onePass),
        }
      },
    },
  ],
}
