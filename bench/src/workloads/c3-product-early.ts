/**
 * C3, `product_early` of the community effect-handlers benchmark suite: the product of a
 * list, computed non-tail recursively, aborting with an effect at the first 0. The list
 * is 999, 998, …, 1, 0 (1,000 numbers ending in 0), so every product builds 1,000 frames
 * and discards them; it is computed `size` times and the products summed (always 0; the
 * checksum adds the number of products, so a run that stopped early fails the row).
 * Unit: ns per product (1,000 frames).
 */
import { Effect as Eff, fn, handler, type ProgramGenerator, run, withHandler } from "@effvm/vm-core"
import { Effect } from "effect"
import { fasterThanEffect } from "../targets.js"
import type { Case, Workload } from "../types.js"

const list = (): number[] => Array.from({ length: 1000 }, (_, i) => 999 - i)

class Done extends Eff<never> {
  constructor(readonly value: number) {
    super()
  }
}

const product = fn(function* productStep(
  xs: readonly number[],
  i: number,
): ProgramGenerator<number> {
  if (i === xs.length) return 1
  const x = xs[i]!
  if (x === 0) return yield* new Done(0)
  return x * (yield* product(xs, i + 1))
})

/** A fast-path handler that returns a plain value aborts: the 1,000 frames are closed. */
const done = handler((eff: Done) => eff.value, { handles: [Done] })

const products = fn(function* products(n: number) {
  const xs = list()
  let s = 0
  for (let i = 0; i < n; i++) s += (yield* withHandler(done, product(xs, 0))) + 1
  return s
})

const effectProduct = (xs: readonly number[], i: number): Effect.Effect<number, number> =>
  Effect.gen(function* () {
    if (i === xs.length) return 1
    const x = xs[i]!
    if (x === 0) return yield* Effect.fail(0)
    return x * (yield* effectProduct(xs, i + 1))
  })

const effectProducts = (n: number): Effect.Effect<number> =>
  Effect.gen(function* () {
    const xs = list()
    let s = 0
    for (let i = 0; i < n; i++)
      s += (yield* Effect.catch(effectProduct(xs, 0), (v) => Effect.succeed(v))) + 1
    return s
  })

/** The floor: generators nested with native `yield*`; the driver stops at `FloorDone`. */
class FloorDone {
  constructor(readonly value: number) {}
}
function* floorProduct(xs: readonly number[], i: number): Generator<FloorDone, number, never> {
  if (i === xs.length) return 1
  const x = xs[i]!
  if (x === 0) return yield new FloorDone(0)
  return x * (yield* floorProduct(xs, i + 1))
}
function floorProducts(n: number): number {
  const xs = list()
  let s = 0
  for (let i = 0; i < n; i++) {
    const r = floorProduct(xs, 0).next()
    s += (r.done ? r.value : r.value.value) + 1
  }
  return s
}

const cases: Case[] = [
  { runtime: "floor", variant: "", label: "generators, native yield*", run: floorProducts },
  {
    runtime: "effvm",
    variant: "",
    label: "sub-programs, aborting handler",
    run: (n) => run(products(n)),
  },
  {
    runtime: "effect",
    variant: "",
    label: "nested Effect.gen, fail + catch",
    run: (n) => Effect.runSync(effectProducts(n)),
  },
]

export const workload: Workload = {
  id: "C3",
  title: "product_early: a 1,000-frame product aborted by an effect at its 0",
  metric: { kind: "per-unit", unit: "ns/product" },
  sizes: [1_000],
  smokeSizes: [5],
  expected: (n) => n,
  cases,
  targets: [fasterThanEffect("C3")],
}
