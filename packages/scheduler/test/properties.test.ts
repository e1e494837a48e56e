import { createVM, fn, program, type Yielded } from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  acquire,
  cancel,
  completePromise,
  createPromise,
  createSemaphore,
  gather,
  race,
  release,
  type SchedulerPromise,
  type Semaphore,
  scheduled,
  sleep,
  spawn,
  type Task,
  VirtualClock,
  wait,
} from "../src/index.js"

/** A random task: a few actions, run in order. */
interface Plan {
  readonly actions: readonly Action[]
  /** Catch every error (cancellations included) at each action and go on. */
  readonly catchAll: boolean
  /** Sleep inside the finally block (asynchronous cleanup). */
  readonly slowCleanup: boolean
}

type Action =
  | { readonly kind: "sleep"; readonly ms: number }
  | { readonly kind: "throw" }
  | { readonly kind: "wait"; readonly which: number }
  | { readonly kind: "cancel"; readonly which: number }
  | { readonly kind: "waitNever" }
  | { readonly kind: "lock"; readonly ms: number }
  | { readonly kind: "signal" }
  | { readonly kind: "waitGate" }
  | { readonly kind: "spawn"; readonly plan: Plan; readonly daemon: boolean }
  | { readonly kind: "gather"; readonly plans: readonly Plan[] }
  | { readonly kind: "race"; readonly plans: readonly Plan[] }

const arbitraries = fc.letrec<{ plan: Plan; action: Action }>((tie) => ({
  plan: fc.record({
    actions: fc.array(tie("action"), { maxLength: 5 }),
    catchAll: fc.boolean(),
    slowCleanup: fc.boolean(),
  }),
  action: fc.oneof(
    { maxDepth: 3, depthSize: "small" },
    fc.record({ kind: fc.constant("sleep" as const), ms: fc.integer({ min: 0, max: 20 }) }),
    fc.record({ kind: fc.constant("throw" as const) }),
    fc.record({ kind: fc.constant("wait" as const), which: fc.nat(4) }),
    fc.record({ kind: fc.constant("cancel" as const), which: fc.nat(4) }),
    fc.record({ kind: fc.constant("waitNever" as const) }),
    fc.record({ kind: fc.constant("lock" as const), ms: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ kind: fc.constant("signal" as const) }),
    fc.record({ kind: fc.constant("waitGate" as const) }),
    fc.record({ kind: fc.constant("spawn" as const), plan: tie("plan"), daemon: fc.boolean() }),
    fc.record({
      kind: fc.constant("gather" as const),
      plans: fc.array(tie("plan"), { maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant("race" as const),
      plans: fc.array(tie("plan"), { minLength: 1, maxLength: 3 }),
    }),
  ),
}))

/** What the run did, seen from inside the tasks. */
class Tracker {
  nextId = 1
  readonly started: number[] = []
  readonly finallyRuns = new Map<number, number>()
  readonly handles: Task<number>[] = []
  /** Never completed: waiting on it blocks until cancelled (or a deadlock ends the run). */
  never: SchedulerPromise<void> | null = null
  /** Completed by the first `signal` action. */
  gate: SchedulerPromise<void> | null = null
  lock: Semaphore | null = null
}

const runPlan = fn(function* runPlan(plan: Plan, t: Tracker): Generator<Yielded, number, unknown> {
  const id = t.nextId++
  t.started.push(id)
  const children: Task<number>[] = []
  try {
    for (const action of plan.actions) {
      try {
        yield* perform(action, children, t)
      } catch (error) {
        if (!plan.catchAll) throw error
      }
    }
    return id
  } finally {
    t.finallyRuns.set(id, (t.finallyRuns.get(id) ?? 0) + 1)
    if (plan.slowCleanup) yield* sleep(3)
  }
})

const perform = fn(function* perform(
  action: Action,
  children: Task<number>[],
  t: Tracker,
): Generator<Yielded, void, unknown> {
  switch (action.kind) {
    case "sleep":
      yield* sleep(action.ms)
      return
    case "throw":
      throw new Error("planned failure")
    case "wait":
      if (children.length > 0) yield* wait(children[action.which % children.length]!)
      return
    case "cancel":
      if (children.length > 0) yield* cancel(children[action.which % children.length]!)
      return
    case "lock":
      yield* acquire(t.lock!)
      try {
        yield* sleep(action.ms)
      } finally {
        yield* release(t.lock!)
      }
      return
    case "signal":
      if (t.gate!.status === "pending") yield* completePromise(t.gate!, undefined)
      return
    case "waitGate":
      yield* wait(t.gate!)
      return
    case "waitNever":
      yield* wait(t.never!)
      return
    case "spawn": {
      const task = yield* spawn(runPlan(action.plan, t), { daemon: action.daemon })
      children.push(task)
      t.handles.push(task)
      return
    }
    case "gather":
      yield* gather(...action.plans.map((plan) => runPlan(plan, t)))
      return
    case "race":
      yield* race(...action.plans.map((plan) => runPlan(plan, t)))
  }
})

const STEP_BUDGET = 2_000_000

/** Runs a plan as the root task; returns how the machine ended within the step budget. */
function runRandom(plan: Plan, quanta: number): { outcome: string; t: Tracker } {
  const t = new Tracker()
  const root = program(function* root() {
    t.never = yield* createPromise<void>()
    t.gate = yield* createPromise<void>()
    t.lock = yield* createSemaphore(1)
    return yield* runPlan(plan, t)
  })
  const vm = createVM(scheduled(root, { clock: new VirtualClock(), quanta }))
  return { outcome: vm.runFor(STEP_BUDGET), t }
}

const quantaArb = fc.constantFrom(0, 7, 50, 1000)

describe("scheduler properties", () => {
  it("leaks no task: after a run every task has finished or was cancelled", () => {
    fc.assert(
      fc.property(arbitraries.plan, quantaArb, (plan, quanta) => {
        const { outcome, t } = runRandom(plan, quanta)
        expect(["done", "error"]).toContain(outcome)
        for (const task of t.handles) expect(["done", "failed", "cancelled"]).toContain(task.status)
      }),
      { numRuns: 300 },
    )
  })

  it("runs every started task's finally exactly once, under random cancellation", () => {
    fc.assert(
      fc.property(arbitraries.plan, quantaArb, (plan, quanta) => {
        const { t } = runRandom(plan, quanta)
        for (const id of t.started) expect(t.finallyRuns.get(id)).toBe(1)
        expect(t.finallyRuns.size).toBe(t.started.length)
      }),
      { numRuns: 300 },
    )
  })

  it("never hangs on a seeded random mix of spawn, gather, race and cancel", () => {
    fc.assert(
      fc.property(arbitraries.plan, quantaArb, (plan, quanta) => {
        expect(["done", "error"]).toContain(runRandom(plan, quanta).outcome)
      }),
      { numRuns: 500, seed: 20261121 },
    )
  })
})
