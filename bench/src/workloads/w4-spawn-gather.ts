/**
 * W4: spawn N tasks, each performing 10 effects with a cooperative yield after each, then
 * gather them all. Checksum: 10 × N (every task sums ten answers of 1). Unit: ns per task;
 * peak RSS (each row runs in its own process, so the figure is that runtime's alone).
 */
import { gather, scheduled, sleep, spawn, type Task } from "@effvm/scheduler"
import { fn, run, withHandler } from "@effvm/vm-core"
import { Effect, Fiber } from "effect"
import { all, type Task as EffectionTask, spawn as effectionSpawn, type Operation } from "effection"
import { call, fork, join } from "redux-saga/effects"
import { budgetTarget } from "../budget.js"
import * as effect from "../runtimes/effect.js"
import * as effection from "../runtimes/effection.js"
import * as effvm from "../runtimes/effvm.js"
import * as floor from "../runtimes/floor-ring.js"
import * as saga from "../runtimes/redux-saga.js"
import { effectionYield, sagaYield } from "../runtimes/yields.js"
import { fmtValue, NA, verdict } from "../targets.js"
import type { Case, Workload } from "../types.js"

const EFFECTS = 10

// floor: tasks yield FLOOR_TICK (answered at once) and FLOOR_YIELD (back of the ring).
function* floorTask(): Generator<object, number, number> {
  let s = 0
  for (let i = 0; i < EFFECTS; i++) {
    s += yield floor.FLOOR_TICK
    yield floor.FLOOR_YIELD
  }
  return s
}
function floorRun(n: number): number {
  const ring = new floor.Ring()
  const tasks: floor.FloorTask[] = []
  for (let i = 0; i < n; i++) {
    const task = new floor.FloorTask(floorTask())
    tasks.push(task)
    ring.push(task)
  }
  floor.drain(ring)
  let sum = 0
  for (const task of tasks) sum += task.value
  return sum
}

// effvm: a Tick handler outside `scheduled` answers every task (tasks inherit it);
// `sleep(0)` is the cooperative yield.
const effvmTask = fn(function* worker() {
  let s = 0
  for (let i = 0; i < EFFECTS; i++) {
    s += yield* new effvm.Tick()
    yield* sleep(0)
  }
  return s
})
const effvmMain = fn(function* spawnGather(n: number) {
  const tasks: Task<number>[] = []
  for (let i = 0; i < n; i++) tasks.push(yield* spawn(effvmTask()))
  const results = yield* gather(...tasks)
  let sum = 0
  for (const r of results) sum += r
  return sum
})

// Effect: `Effect.yieldNow` is the cooperative yield.
const effectTask = Effect.gen(function* () {
  let s = 0
  for (let i = 0; i < EFFECTS; i++) {
    s += (yield* effect.TickService).value
    yield* Effect.yieldNow
  }
  return s
})
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)
const effectAll = (n: number) =>
  Effect.all(
    Array.from({ length: n }, () => effectTask),
    { concurrency: "unbounded" },
  ).pipe(Effect.map(sum))
const effectForkJoin = (n: number) =>
  Effect.gen(function* () {
    const fibers: Fiber.Fiber<number>[] = []
    for (let i = 0; i < n; i++) fibers.push(yield* Effect.forkChild(effectTask))
    return sum(yield* Fiber.joinAll(fibers))
  })
const runEffect = (body: Effect.Effect<number, never, effect.TickService>) =>
  Effect.runPromise(Effect.provideService(body, effect.TickService, effect.tickService))

// effection: a resolved-promise hop is the cooperative yield (`sleep(0)` is a 1 ms timer).
function* effectionTask(): Operation<number> {
  let s = 0
  for (let i = 0; i < EFFECTS; i++) {
    s += yield* effection.TickContext.expect()
    yield* effectionYield()
  }
  return s
}
function* effectionMain(n: number): Operation<number> {
  const tasks: EffectionTask<number>[] = []
  for (let i = 0; i < n; i++) tasks.push(yield* effectionSpawn(effectionTask))
  return sum(yield* all(tasks))
}

// redux-saga: `call` of a resolved promise is the cooperative yield.
function* sagaTask(): Generator<unknown, number, number> {
  let s = 0
  for (let i = 0; i < EFFECTS; i++) {
    s += yield call(saga.answerTick)
    yield sagaYield()
  }
  return s
}
function* sagaMain(n: number): Generator<unknown, number, never> {
  const tasks: unknown[] = []
  for (let i = 0; i < n; i++) tasks.push(yield fork(sagaTask))
  const results = (yield join(tasks as never)) as number[]
  return sum(results)
}

const cases: Case[] = [
  {
    runtime: "floor",
    variant: "",
    label: "round-robin ring queue",
    run: floorRun,
  },
  {
    runtime: "effvm",
    variant: "",
    label: "spawn + sleep(0) + gather",
    run: (n) => run(withHandler(effvm.fastTick(), scheduled(effvmMain(n)))),
  },
  {
    runtime: "effect",
    variant: "all",
    label: "Effect.all unbounded + yieldNow",
    run: (n) => runEffect(effectAll(n)),
  },
  {
    runtime: "effect",
    variant: "fork-join",
    label: "forkChild + Fiber.joinAll",
    run: (n) => runEffect(effectForkJoin(n)),
  },
  {
    runtime: "effection",
    variant: "",
    label: "spawn + all (20,000 tasks)",
    sizes: [20_000],
    run: (n) => effection.runWithTick(() => effectionMain(n)),
  },
  {
    runtime: "redux-saga",
    variant: "",
    label: "fork + join",
    run: (n) => saga.runToEnd(sagaMain, [n]),
  },
]

export const workload: Workload = {
  id: "W4",
  title: "spawn 100,000 tasks, 10 effects and yields each, gather",
  metric: { kind: "per-unit", unit: "ns/task" },
  sizes: [100_000],
  smokeSizes: [100],
  showRss: true,
  expected: (n) => n * EFFECTS,
  cases,
  targets: [
    budgetTarget("W4", "W4 ≤ 2 µs per task", 2_000),
    {
      workload: "W4",
      text: "W4 peak RSS ≤ 150 MB (one run in a fresh process)",
      check(get) {
        const m = get("W4", "effvm", "")
        const one = m?.rssFirstRunMB
        if (one === undefined || m?.status !== "ok") return NA("missing effvm")
        const all =
          m.rssPeakMB === undefined ? "" : `; ${fmtValue(m.rssPeakMB, "MB")} over all runs`
        return { measured: `${fmtValue(one, "MB")}${all}`, status: verdict(one <= 150) }
      },
    },
  ],
}
