/**
 * C1, `countdown` of the community effect-handlers benchmark suite: a loop reads a state
 * with `Get` and, until it is 0, writes it back one less with `Put` (the suite's `Set`);
 * a state handler answers both. Size: the initial state (the number of iterations); the
 * checksum is the final state, 0, plus the iterations counted, so a loop that stopped
 * early fails the row. Unit: ns per iteration (one `Get` and one `Put`).
 */
import { Effect as Eff, fn, handler, Resume, run, withHandler } from "@effvm/vm-core"
import { Context, Effect } from "effect"
import { fasterThanEffect } from "../targets.js"
import type { Case, Workload } from "../types.js"

class Get extends Eff<number> {}
class Put extends Eff<void> {
  constructor(readonly value: number) {
    super()
  }
}

/** Counts down from the state; returns the number of iterations (the state ends at 0). */
const countdown = fn(function* countdown() {
  let steps = 0
  for (;;) {
    const i = yield* new Get()
    if (i === 0) return steps
    yield* new Put(i - 1)
    steps++
  }
})

/** The state handler: one fast-path handler answering both operations. */
function state(initial: number) {
  let s = initial
  return handler(
    (eff: Get | Put, k) => {
      if (eff instanceof Put) {
        s = eff.value
        return Resume(k, undefined)
      }
      return Resume(k, s)
    },
    { handles: [Get, Put] },
  )
}

/** Effect-TS: the state is a service whose operations are effects. */
class State extends Context.Service<
  State,
  { readonly get: Effect.Effect<number>; set(value: number): Effect.Effect<void> }
>()("bench/C1State") {}

const effectCountdown = Effect.gen(function* () {
  const st = yield* State
  let steps = 0
  for (;;) {
    const i = yield* st.get
    if (i === 0) return steps
    yield* st.set(i - 1)
    steps++
  }
})

function effectState(initial: number): State["Service"] {
  let s = initial
  return {
    get: Effect.sync(() => s),
    set: (value) =>
      Effect.sync(() => {
        s = value
      }),
  }
}

/** The floor: a generator yields the operations; its driver is the state. */
class FloorGet {}
class FloorSet {
  constructor(readonly value: number) {}
}
function* floorCountdown(): Generator<FloorGet | FloorSet, number, number> {
  let steps = 0
  for (;;) {
    const i = yield new FloorGet()
    if (i === 0) return steps
    yield new FloorSet(i - 1)
    steps++
  }
}
function floorRun(n: number): number {
  let s = n
  const gen = floorCountdown()
  let r = gen.next(0)
  while (!r.done) {
    const eff = r.value
    if (eff instanceof FloorSet) {
      s = eff.value
      r = gen.next(0)
    } else r = gen.next(s)
  }
  return r.value + s
}

const cases: Case[] = [
  { runtime: "floor", variant: "", label: "generator + state driver", run: floorRun },
  {
    runtime: "effvm",
    variant: "",
    label: "Get/Put, fast-path state handler",
    run: (n) => run(withHandler(state(n), countdown())),
  },
  {
    runtime: "effect",
    variant: "",
    label: "state service (Effect.sync operations)",
    run: (n) => Effect.runSync(Effect.provideService(effectCountdown, State, effectState(n))),
  },
]

export const workload: Workload = {
  id: "C1",
  title: "countdown: a state decremented through Get/Put effects",
  metric: { kind: "per-unit", unit: "ns/iteration" },
  sizes: [10_000_000],
  smokeSizes: [1_000],
  expected: (n) => n,
  cases,
  targets: [fasterThanEffect("C1")],
}
