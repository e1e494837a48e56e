/**
 * W5: N sequential races of two tasks. A finishes after 1 step (one cooperative yield, then
 * it returns 1); B would finish after 3 and is cancelled, its `finally` counting the
 * cleanups. Checksum: 2 × N (every race won by A, every B cleaned up). Unit: ns per race.
 */
import { race, scheduled, sleep } from "@effvm/scheduler"
import { fn, run } from "@effvm/vm-core"
import { Effect } from "effect"
import { race as effectionRace, run as effectionRun, type Operation } from "effection"
import { call, race as sagaRace } from "redux-saga/effects"
import { budgetTarget } from "../budget.js"
import * as floor from "../runtimes/floor-ring.js"
import * as saga from "../runtimes/redux-saga.js"
import { effectionYield, sagaYield } from "../runtimes/yields.js"
import { ratioTarget, times } from "../targets.js"
import type { Case, CaseRef, Workload } from "../types.js"

const EFFVM: CaseRef = { runtime: "effvm", variant: "" }
const EFFECT: CaseRef = { runtime: "effect", variant: "" }

const B_STEPS = 3

/** How many losers ran their `finally`; reset by each run. */
const cleanups = { count: 0 }

// floor: A and B share a ring; when A returns, B is closed with `return()` (its finally runs).
function* floorA(): Generator<object, number, number> {
  yield floor.FLOOR_YIELD
  return 1
}
function* floorB(): Generator<object, number, number> {
  try {
    for (let i = 0; i < B_STEPS; i++) yield floor.FLOOR_YIELD
    return 2
  } finally {
    cleanups.count++
  }
}
function floorRace(ring: floor.Ring): number {
  ring.push(new floor.FloorTask(floorA()))
  ring.push(new floor.FloorTask(floorB()))
  let winner: floor.FloorTask
  for (;;) {
    winner = ring.shift()!
    floor.step(winner, ring)
    if (winner.done) break
  }
  for (let loser = ring.shift(); loser !== undefined; loser = ring.shift()) loser.gen.return(0)
  return winner.value
}
function floorRun(n: number): number {
  cleanups.count = 0
  const ring = new floor.Ring()
  let s = 0
  for (let i = 0; i < n; i++) s += floorRace(ring)
  return s + cleanups.count
}

// effvm: `race` of two programs (spawned as children); `sleep(0)` is the step.
const effvmA = fn(function* a() {
  yield* sleep(0)
  return 1
})
const effvmB = fn(function* b() {
  try {
    for (let i = 0; i < B_STEPS; i++) yield* sleep(0)
    return 2
  } finally {
    cleanups.count++
  }
})
const effvmMain = fn(function* races(n: number) {
  let s = 0
  for (let i = 0; i < n; i++) s += yield* race(effvmA(), effvmB())
  return s
})

// Effect: `Effect.race` interrupts the loser; `ensuring` is its finally.
const effectA = Effect.gen(function* () {
  yield* Effect.yieldNow
  return 1
})
const effectB = Effect.gen(function* () {
  for (let i = 0; i < B_STEPS; i++) yield* Effect.yieldNow
  return 2
}).pipe(
  Effect.ensuring(
    Effect.sync(() => {
      cleanups.count++
    }),
  ),
)
const effectMain = (n: number) =>
  Effect.gen(function* () {
    let s = 0
    for (let i = 0; i < n; i++) s += yield* Effect.race(effectA, effectB)
    return s
  })

// effection: `race` halts the loser, which runs its finally.
function* effectionA(): Operation<number> {
  yield* effectionYield()
  return 1
}
function* effectionB(): Operation<number> {
  try {
    for (let i = 0; i < B_STEPS; i++) yield* effectionYield()
    return 2
  } finally {
    cleanups.count++
  }
}
function* effectionMain(n: number): Operation<number> {
  let s = 0
  for (let i = 0; i < n; i++) s += yield* effectionRace([effectionA(), effectionB()])
  return s
}

// redux-saga: `race` cancels the loser, which runs its finally.
function* sagaA(): Generator<unknown, number, unknown> {
  yield sagaYield()
  return 1
}
function* sagaB(): Generator<unknown, number, unknown> {
  try {
    for (let i = 0; i < B_STEPS; i++) yield sagaYield()
    return 2
  } finally {
    cleanups.count++
  }
}
function* sagaMain(n: number): Generator<unknown, number, { a?: number }> {
  let s = 0
  for (let i = 0; i < n; i++) s += (yield sagaRace({ a: call(sagaA), b: call(sagaB) })).a ?? 0
  return s
}

/** Runs a workload that counts cleanups: resets the count, adds it to the result. */
function counted(body: (n: number) => number | Promise<number>) {
  return (n: number): number | Promise<number> => {
    cleanups.count = 0
    const r = body(n)
    return r instanceof Promise ? r.then((s) => s + cleanups.count) : r + cleanups.count
  }
}

const cases: Case[] = [
  {
    runtime: "floor",
    variant: "",
    label: "round-robin ring queue, return() the loser",
    run: floorRun,
  },
  {
    runtime: "effvm",
    variant: "",
    label: "race(a(), b()) of programs, sleep(0)",
    run: counted((n) => run(scheduled(effvmMain(n)))),
  },
  {
    runtime: "effect",
    variant: "",
    label: "Effect.race, yieldNow, ensuring",
    run: counted((n) => Effect.runPromise(effectMain(n))),
  },
  {
    runtime: "effection",
    variant: "",
    label: "race, resolved-promise yield, finally",
    sizes: [2_000],
    run: counted((n) => effectionRun(() => effectionMain(n))),
  },
  {
    runtime: "redux-saga",
    variant: "",
    label: "race of call(saga), resolved-promise yield",
    run: counted((n) => saga.runToEnd(sagaMain, [n])),
  },
]

export const workload: Workload = {
  id: "W5",
  title: "10,000 sequential races of two tasks, the loser cancelled",
  metric: { kind: "per-unit", unit: "ns/race" },
  sizes: [10_000],
  smokeSizes: [20],
  expected: (n) => 2 * n,
  cases,
  targets: [
    budgetTarget("W5", "W5 ≤ 1 µs per race", 1_000),
    ratioTarget(
      "W5",
      "W5 faster than Effect",
      EFFVM,
      EFFECT,
      (r) => r < 1,
      (r) => `effvm takes ${times(r)} Effect's time`,
    ),
  ],
}
