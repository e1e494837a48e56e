/**
 * C4, `iterator` of the community effect-handlers benchmark suite: a loop emits the
 * ascending range 0, 1, …, n with an `Emit` effect; the handler takes their sum.
 * Unit: ns per emitted value.
 */
import { Effect as Eff, fn, handler, Resume, run, withHandler } from "@effvm/vm-core"
import { Context, Effect } from "effect"
import { fasterThanEffect } from "../targets.js"
import type { Case, Workload } from "../types.js"

class Emit extends Eff<void> {
  constructor(readonly value: number) {
    super()
  }
}

const range = fn(function* range(n: number) {
  for (let i = 0; i <= n; i++) yield* new Emit(i)
})

function sumRange(n: number): number {
  let sum = 0
  const summing = handler(
    (eff: Emit, k) => {
      sum += eff.value
      return Resume(k, undefined)
    },
    { handles: [Emit] },
  )
  run(withHandler(summing, range(n)))
  return sum
}

/** Effect-TS: the handler is a service whose `emit` is an effect. */
class Emitter extends Context.Service<Emitter, { emit(value: number): Effect.Effect<void> }>()(
  "bench/C4Emitter",
) {}

const effectRange = (n: number): Effect.Effect<void, never, Emitter> =>
  Effect.gen(function* () {
    const out = yield* Emitter
    for (let i = 0; i <= n; i++) yield* out.emit(i)
  })

function effectSumRange(n: number): number {
  let sum = 0
  const emitter: Emitter["Service"] = {
    emit: (value) =>
      Effect.sync(() => {
        sum += value
      }),
  }
  Effect.runSync(Effect.provideService(effectRange(n), Emitter, emitter))
  return sum
}

/** The floor: a generator yields `FloorEmit`s, its driver sums them. */
class FloorEmit {
  constructor(readonly value: number) {}
}
function* floorRange(n: number): Generator<FloorEmit, void, unknown> {
  for (let i = 0; i <= n; i++) yield new FloorEmit(i)
}
function floorSumRange(n: number): number {
  let sum = 0
  const gen = floorRange(n)
  for (let r = gen.next(); !r.done; r = gen.next()) sum += r.value.value
  return sum
}

const cases: Case[] = [
  { runtime: "floor", variant: "", label: "generator + summing driver", run: floorSumRange },
  { runtime: "effvm", variant: "", label: "Emit, fast-path handler", run: sumRange },
  { runtime: "effect", variant: "", label: "emitter service", run: effectSumRange },
]

export const workload: Workload = {
  id: "C4",
  title: "iterator: emit 0..n through an effect, the handler sums",
  metric: { kind: "per-unit", unit: "ns/value" },
  sizes: [10_000_000],
  smokeSizes: [1_000],
  expected: (n) => (n * (n + 1)) / 2,
  cases,
  targets: [fasterThanEffect("C4")],
}
