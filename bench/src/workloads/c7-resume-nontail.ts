/**
 * C7, `resume_nontail` of the community effect-handlers benchmark suite: a loop performs
 * `Operator(i)` for i = n … 1, then returns an initial value; the handler resumes the rest
 * of the loop in non-tail position and combines its result y with x as
 * |x − 503·y + 37| mod 1009. The whole is repeated 1,000 times, each run's result the next
 * one's initial value (the first is 0). n handler invocations wait on their resumption at
 * once: a deep stack of resumptions, each applied exactly once. Unit: ms for the 1,000
 * repetitions.
 */
import { Effect as Eff, fn, handler, Resume, run, withHandler } from "@effvm/vm-core"
import { Context, Effect } from "effect"
import { fasterThanEffect } from "../targets.js"
import type { Case, Workload } from "../types.js"

const REPEAT = 1000
const combine = (x: number, y: number): number => Math.abs(x - 503 * y + 37) % 1009

class Operator extends Eff<void> {
  constructor(readonly x: number) {
    super()
  }
}

const loop = fn(function* loop(n: number, initial: number) {
  for (let i = n; i > 0; i--) yield* new Operator(i)
  return initial
})

const operator = handler(
  function* operator(eff: Operator, k) {
    const y = (yield* Resume(k, undefined)) as number
    return combine(eff.x, y)
  },
  { handles: [Operator] },
)

const repeated = fn(function* repeated(n: number) {
  let r = 0
  for (let j = 0; j < REPEAT; j++) r = (yield* withHandler(operator, loop(n, r))) as number
  return r
})

/**
 * Effect-TS has no continuations: the handler is a service that receives the rest of the
 * loop as an effect and maps its result.
 */
class Operators extends Context.Service<
  Operators,
  { apply(x: number, rest: Effect.Effect<number>): Effect.Effect<number> }
>()("bench/C7Operators") {}

const operators: Operators["Service"] = {
  apply: (x, rest) => Effect.map(rest, (y) => combine(x, y)),
}

const effectLoop = (op: Operators["Service"], i: number, initial: number): Effect.Effect<number> =>
  i === 0
    ? Effect.succeed(initial)
    : op.apply(
        i,
        Effect.suspend(() => effectLoop(op, i - 1, initial)),
      )

const effectRepeated = (n: number): Effect.Effect<number, never, Operators> =>
  Effect.gen(function* () {
    const op = yield* Operators
    let r = 0
    for (let j = 0; j < REPEAT; j++) r = yield* effectLoop(op, n, r)
    return r
  })

/**
 * The floor: a generator yields `FloorOperator`s; the driver keeps the waiting x's on a
 * stack and, when the loop returns, applies them innermost first.
 */
class FloorOperator {
  constructor(readonly x: number) {}
}
function* floorLoop(n: number, initial: number): Generator<FloorOperator, number, unknown> {
  for (let i = n; i > 0; i--) yield new FloorOperator(i)
  return initial
}
function floorRepeated(n: number): number {
  let r = 0
  const waiting: number[] = []
  for (let j = 0; j < REPEAT; j++) {
    const gen = floorLoop(n, r)
    let step = gen.next()
    while (!step.done) {
      waiting.push(step.value.x)
      step = gen.next()
    }
    let y = step.value
    while (waiting.length > 0) y = combine(waiting.pop()!, y)
    r = y
  }
  return r
}

const cases: Case[] = [
  { runtime: "floor", variant: "", label: "generator + stack of waiting x", run: floorRepeated },
  {
    runtime: "effvm",
    variant: "",
    label: "generator handler, yield* Resume",
    run: (n) => run(repeated(n)) as number,
  },
  {
    runtime: "effect",
    variant: "",
    label: "service mapping the rest (Effect.map)",
    run: (n) => Effect.runSync(Effect.provideService(effectRepeated(n), Operators, operators)),
  },
]

export const workload: Workload = {
  id: "C7",
  title: "resume_nontail: a deep stack of non-tail resumptions, 1,000 times",
  metric: { kind: "total-ms" },
  sizes: [2_000],
  smokeSizes: [5],
  expected: floorRepeated,
  cases,
  targets: [fasterThanEffect("C7")],
}
