/**
 * W3: a recursive program of depth D, each level calling the next as a sub-program and
 * adding 1 to its result; the innermost performs 1,000 effects. Checksum: 1,000 + D.
 * Unit: total ms for one run; a stack overflow is reported as "overflow".
 */
import { fn, type Program, run, withHandler } from "@effvm/vm-core"
import { Effect } from "effect"
import type { Operation } from "effection"
import * as effect from "../runtimes/effect.js"
import * as effection from "../runtimes/effection.js"
import * as effvm from "../runtimes/effvm.js"
import * as floor from "../runtimes/floor.js"
import * as saga from "../runtimes/redux-saga.js"
import { NA, okValue, times, verdict } from "../targets.js"
import type { Case, Lookup, Measurement, Workload } from "../types.js"

const INNER = 1_000

// floor: sub-programs are yielded as FloorCall and run by the trampoline.
function* floorInner(): floor.FloorGen {
  let s = 0
  for (let i = 0; i < INNER; i++) s += yield new floor.FloorTick()
  return s
}
function* floorRec(d: number): floor.FloorGen {
  if (d === 0) return yield new floor.FloorCall(floorInner())
  return (yield new floor.FloorCall(floorRec(d - 1))) + 1
}
const floorAnswer = (eff: object): number =>
  eff instanceof floor.FloorTick ? 1 : floor.unhandled(eff)

// effvm: the factory recurses through its own binding, so every level is a machine frame.
const effvmRec: (d: number) => Program<number> = fn(function* recStep(d: number) {
  if (d === 0) return yield* effvm.tickLoop(INNER)
  return (yield* effvmRec(d - 1)) + 1
})

// Effect: `yield*` of an Effect hands it to the fiber, which runs it off the JS stack.
const effectInner = effect.tickLoop(INNER)
const effectRec = (d: number): Effect.Effect<number, never, effect.TickService> =>
  d === 0
    ? effectInner
    : Effect.gen(function* () {
        return (yield* effectRec(d - 1)) + 1
      })

// effection: plain operations nest with native `yield*` (the idiomatic form).
function* effectionRec(d: number): Operation<number> {
  if (d === 0) return yield* effection.tickLoop(INNER)
  return (yield* effectionRec(d - 1)) + 1
}

// redux-saga: sub-sagas nest with native `yield*` (faster than `call(childSaga)`, which
// also recurses on the JS stack per level and overflows near D = 800).
function* sagaRec(d: number): saga.TickSaga {
  if (d === 0) return yield* saga.tickLoop(INNER)
  return (yield* sagaRec(d - 1)) + 1
}

const DEEP = [1_000, 10_000, 100_000, 1_000_000] as const
const DEEP_SMOKE = [10, 100, 1_000] as const
// The smoke run also takes effvm 10^5 deep (about 0.1 s): a machine that recursed on the JS
// stack would overflow there.
const EFFVM_SMOKE = [...DEEP_SMOKE, 100_000] as const

const cases: Case[] = [
  {
    runtime: "floor",
    variant: "",
    label: "trampoline, explicit frame stack",
    sizes: DEEP,
    smokeSizes: DEEP_SMOKE,
    run: (d) => floor.trampoline(floorRec(d), floorAnswer),
  },
  {
    runtime: "effvm",
    variant: "",
    label: "fn sub-programs, fast-path handler",
    sizes: DEEP,
    smokeSizes: EFFVM_SMOKE,
    run: (d) => run(withHandler(effvm.fastTick(), effvmRec(d))),
  },
  {
    runtime: "effect",
    variant: "",
    label: "nested Effect.gen, service read",
    run: (d) =>
      Effect.runSync(Effect.provideService(effectRec(d), effect.TickService, effect.tickService)),
  },
  {
    runtime: "effection",
    variant: "",
    label: "nested operations (yield*), context read",
    run: (d) => effection.runWithTick(() => effectionRec(d)),
  },
  {
    runtime: "redux-saga",
    variant: "",
    label: "nested sagas (yield*), call(fn)",
    run: (d) => saga.runToEnd(sagaRec, [d]),
  },
]

const ms = (m: Measurement | undefined) => okValue(m)

function completes(get: Lookup, d: number): string {
  const m = get("W3", "effvm", "", d)
  return m === undefined ? "missing" : m.status
}

export const workload: Workload = {
  id: "W3",
  title: "recursion D deep through sub-programs, 1,000 performs at the bottom",
  metric: { kind: "total-ms" },
  sizes: [1_000, 10_000, 100_000],
  smokeSizes: [10, 100],
  showRss: true,
  expected: (d) => INNER + d,
  cases,
  targets: [
    {
      workload: "W3",
      text: "W3 D = 10⁵ and 10⁶ complete",
      check(get) {
        const a = completes(get, 100_000)
        const b = completes(get, 1_000_000)
        if (a === "missing" || b === "missing") return NA(`D=1e5: ${a}, D=1e6: ${b}`)
        return { measured: `D=1e5: ${a}, D=1e6: ${b}`, status: verdict(a === "ok" && b === "ok") }
      },
    },
    {
      workload: "W3",
      text: "W3 ≤ 2× the trampolined floor (every D)",
      check(get) {
        const ratios = DEEP.flatMap((d) => {
          const v = ms(get("W3", "effvm", "", d))
          const f = ms(get("W3", "floor", "", d))
          return v === undefined || f === undefined ? [] : [{ d, r: v / f }]
        })
        if (ratios.length === 0) return NA("missing effvm or floor")
        const worst = ratios.reduce((a, b) => (b.r > a.r ? b : a))
        return {
          measured: ratios.map((x) => `${times(x.r)} at D=1e${Math.log10(x.d)}`).join(", "),
          status: verdict(worst.r <= 2),
        }
      },
    },
    {
      workload: "W3",
      text: "W3 D = 10⁵ / D = 10⁴ within 12× (flat per level)",
      check(get) {
        const a = ms(get("W3", "effvm", "", 100_000))
        const b = ms(get("W3", "effvm", "", 10_000))
        if (a === undefined || b === undefined) return NA("missing effvm D=1e4 or D=1e5")
        return { measured: times(a / b), status: verdict(a / b <= 12) }
      },
    },
  ],
}
