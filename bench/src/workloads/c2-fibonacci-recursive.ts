/**
 * C2, `fibonacci_recursive` of the community effect-handlers benchmark suite: the `n`th
 * Fibonacci number (fib 0 = fib 1 = 1), doubly recursive, no effects: what a call costs
 * in each runtime's own call stack. effvm: every call a sub-program (a machine frame);
 * Effect-TS: every call an `Effect.gen`; the floor: every call a plain generator nested
 * with native `yield*`. Unit: ms for the whole computation.
 */
import { fn, run } from "@effvm/vm-core"
import { Effect } from "effect"
import { fasterThanEffect } from "../targets.js"
import type { Case, Workload } from "../types.js"

const fib = fn(function* fibStep(n: number): Generator<never, number, never> {
  if (n < 2) return 1
  return (yield* fib(n - 1)) + (yield* fib(n - 2))
})

const effectFib = (n: number): Effect.Effect<number> =>
  Effect.gen(function* () {
    if (n < 2) return 1
    return (yield* effectFib(n - 1)) + (yield* effectFib(n - 2))
  })

function* floorFib(n: number): Generator<never, number, unknown> {
  if (n < 2) return 1
  return (yield* floorFib(n - 1)) + (yield* floorFib(n - 2))
}

function fibonacci(n: number): number {
  let a = 1
  let b = 1
  for (let i = 1; i < n; i++) [a, b] = [b, a + b]
  return b
}

const cases: Case[] = [
  {
    runtime: "floor",
    variant: "",
    label: "generators, native yield*",
    run: (n) => floorFib(n).next().value as number,
  },
  { runtime: "effvm", variant: "", label: "sub-programs", run: (n) => run(fib(n)) },
  {
    runtime: "effect",
    variant: "",
    label: "nested Effect.gen",
    run: (n) => Effect.runSync(effectFib(n)),
  },
]

export const workload: Workload = {
  id: "C2",
  title: "fibonacci_recursive: doubly recursive calls, no effects",
  metric: { kind: "total-ms" },
  sizes: [27],
  smokeSizes: [10],
  expected: fibonacci,
  cases,
  targets: [fasterThanEffect("C2")],
}
