/**
 * C5, `generator` of the community effect-handlers benchmark suite: the sum of the values
 * of a complete binary tree of height h, produced by a depth-first walk (left subtree,
 * the node's value, right subtree) that yields each value through an effect. The tree is
 * the suite's DAG of h nodes (a node of height h holds h and has the same subtree of
 * height h − 1 on both sides), so the walk visits 2^h − 1 nodes.
 *
 * The suite labels it ESCAPING_CONTINUATION: a consumer pulls values from a suspended
 * producer. effvm's continuations are one-shot and owned by the handler they reach (they
 * cannot leave the `withHandler` that captured them), so here the consumer is the handler
 * that receives each value and resumes the walk; Effect-TS has no continuations, and its
 * consumer is a service. The floor is the pull-based form: a plain JS generator walking
 * the tree with native `yield*`, consumed by a `next()` loop. Unit: ms for the whole walk.
 */
import {
  Effect as Eff,
  fn,
  handler,
  type ProgramGenerator,
  Resume,
  run,
  withHandler,
} from "@effvm/vm-core"
import { Context, Effect } from "effect"
import { fasterThanEffect } from "../targets.js"
import type { Case, Workload } from "../types.js"

interface Tree {
  readonly left: Tree
  readonly value: number
  readonly right: Tree
}
type MaybeTree = Tree | null

function makeTree(h: number): MaybeTree {
  let t: MaybeTree = null
  for (let i = 1; i <= h; i++) t = { left: t!, value: i, right: t! }
  return t
}

class Yield extends Eff<void> {
  constructor(readonly value: number) {
    super()
  }
}

const walk = fn(function* walkStep(t: MaybeTree): ProgramGenerator<void> {
  if (t === null) return
  yield* walk(t.left)
  yield* new Yield(t.value)
  yield* walk(t.right)
})

function sumTree(h: number): number {
  let sum = 0
  const consumer = handler(
    (eff: Yield, k) => {
      sum += eff.value
      return Resume(k, undefined)
    },
    { handles: [Yield] },
  )
  run(withHandler(consumer, walk(makeTree(h))))
  return sum
}

class Consumer extends Context.Service<Consumer, { take(value: number): Effect.Effect<void> }>()(
  "bench/C5Consumer",
) {}

const effectWalk = (t: MaybeTree): Effect.Effect<void, never, Consumer> =>
  Effect.gen(function* () {
    if (t === null) return
    yield* effectWalk(t.left)
    yield* (yield* Consumer).take(t.value)
    yield* effectWalk(t.right)
  })

function effectSumTree(h: number): number {
  let sum = 0
  const consumer: Consumer["Service"] = {
    take: (value) =>
      Effect.sync(() => {
        sum += value
      }),
  }
  Effect.runSync(Effect.provideService(effectWalk(makeTree(h)), Consumer, consumer))
  return sum
}

function* floorWalk(t: MaybeTree): Generator<number, void, unknown> {
  if (t === null) return
  yield* floorWalk(t.left)
  yield t.value
  yield* floorWalk(t.right)
}
function floorSumTree(h: number): number {
  let sum = 0
  const gen = floorWalk(makeTree(h))
  for (let r = gen.next(); !r.done; r = gen.next()) sum += r.value
  return sum
}

/** Σ over the levels: 2^(h−v) nodes hold the value v. */
function treeSum(h: number): number {
  let s = 0
  for (let v = 1; v <= h; v++) s += v * 2 ** (h - v)
  return s
}

const cases: Case[] = [
  { runtime: "floor", variant: "", label: "JS generator pulled by next()", run: floorSumTree },
  { runtime: "effvm", variant: "", label: "walk sub-programs, consuming handler", run: sumTree },
  {
    runtime: "effect",
    variant: "",
    label: "nested Effect.gen, consumer service",
    run: effectSumTree,
  },
]

export const workload: Workload = {
  id: "C5",
  title: "generator: sum a complete binary tree's values yielded depth-first",
  metric: { kind: "total-ms" },
  sizes: [16],
  smokeSizes: [5],
  expected: treeSum,
  cases,
  targets: [fasterThanEffect("C5")],
}
