import type { Continuation } from "@effvm/vm-core"
import {
  armPreemption,
  journalOf,
  machineSteps,
  type WatchdogFiring,
} from "@effvm/vm-core/internal"
import { describeInput } from "./describe.js"

/**
 * A watchdog budget for one activation of a task: from its resume to its next suspension
 * (a blocking scheduler effect) or its end. `ms` is real elapsed time (`performance.now()`,
 * also under a `VirtualClock`, which stands still during an activation); `steps` counts
 * machine steps. Either or both may be given.
 *
 * @example
 * ```ts
 * yield* spawn(controlLoop(), { name: "controller", watchdog: { ms: 5, steps: 10_000 } })
 * ```
 */
export interface WatchdogBudget {
  /** Real milliseconds one activation may take. */
  readonly ms?: number
  /** Machine steps one activation may take. */
  readonly steps?: number
}

/**
 * A task's activation exceeded its watchdog budget. The scheduler throws it into that task
 * at the point where it noticed (a suspension, a preemption or the task's end), so its
 * traceback points into the task; every other task is cancelled, their `finally` blocks
 * run, and the run fails with this error. Catching it does not un-fault the run.
 *
 * @example
 * ```ts
 * const outcome = runOutcome(scheduled(plant(), { clock: new VirtualClock() }))
 * if (outcome.status === "failed" && outcome.error instanceof WatchdogError)
 *   console.error(`${outcome.error.taskName}: ${outcome.error.measured} ${outcome.error.unit}`)
 * ```
 */
export class WatchdogError extends Error {
  /** The id of the task whose activation ran over. */
  readonly taskId: number
  /** Its name. */
  readonly taskName: string
  /** The budget it had, in `unit`. */
  readonly budget: number
  /** What it took when the scheduler noticed, in `unit`. */
  readonly measured: number
  /** `"ms"` (real time) or `"steps"` (machine steps). */
  readonly unit: "ms" | "steps"

  constructor(
    taskId: number,
    taskName: string,
    budget: number,
    measured: number,
    unit: "ms" | "steps",
  ) {
    const shown = unit === "ms" ? measured.toFixed(2) : String(measured)
    super(
      `Watchdog: task ${taskId} "${taskName}" ran ${shown} ${unit} in one activation, over its budget of ${budget} ${unit}. ` +
        "An activation runs from a resume to the next blocking scheduler effect; split the work with sleep(0) or raise the budget.",
    )
    this.name = "WatchdogError"
    this.taskId = taskId
    this.taskName = taskName
    this.budget = budget
    this.measured = measured
    this.unit = unit
  }
}

/**
 * What a task with a watchdog measures. A preemption is not a suspension: the activation
 * goes on counting across it (the time other tasks ran in between is not counted).
 */
export class Watchdog {
  #usedMs = 0
  #usedSteps = 0
  #resumedAt = 0
  #resumedSteps = 0
  #preempted = false
  /** How many times this watchdog was checked: where a journal places its firing. */
  #checks = 0

  constructor(readonly budget: WatchdogBudget) {}

  /** The task is resumed: a new activation starts, unless it was only preempted. */
  begin(k: Continuation<unknown>, quanta: number): void {
    if (!this.#preempted) {
      this.#usedMs = 0
      this.#usedSteps = 0
    }
    this.#preempted = false
    this.#resumedAt = performance.now()
    this.#resumedSteps = machineSteps(k)
    const steps = this.budget.steps
    if (steps !== undefined) {
      // Preempt just past the budget so a task that never blocks is caught too.
      const left = steps - this.#usedSteps + 1
      armPreemption(k, quanta > 0 ? Math.min(quanta, left) : left)
    }
  }

  /** The task is preempted: its activation goes on when it is resumed. */
  pause(k: Continuation<unknown>): void {
    this.#usedMs += performance.now() - this.#resumedAt
    this.#usedSteps += machineSteps(k) - this.#resumedSteps
    this.#preempted = true
  }

  /**
   * The error for a task whose activation has run over, or `null`. In a journaled run the
   * firing is a recorded fact (real time and, across outside handlers, steps are not
   * reproducible): a replay fires where the recorded run did, and nowhere else.
   */
  check(k: Continuation<unknown>, taskId: number, taskName: string): WatchdogError | null {
    const fired = journalOf(k) === null ? this.#measure(k) : this.#journaled(k, taskId)
    return fired === null
      ? null
      : watchdogError(taskId, taskName, fired.budget, fired.measured, fired.unit)
  }

  /** (A closure here, not in `check`: one there would allocate on every check of every run.) */
  #journaled(k: Continuation<unknown>, taskId: number): WatchdogFiring | null {
    return journalOf(k)!.watchdog(taskId, ++this.#checks, () => this.#measure(k))
  }

  #measure(k: Continuation<unknown>): WatchdogFiring | null {
    const { ms, steps } = this.budget
    if (steps !== undefined) {
      const used = this.#usedSteps + machineSteps(k) - this.#resumedSteps
      if (used > steps) return { unit: "steps", budget: steps, measured: used }
    }
    if (ms !== undefined) {
      const used = this.#usedMs + performance.now() - this.#resumedAt
      if (used > ms) return { unit: "ms", budget: ms, measured: used }
    }
    return null
  }
}

/**
 * The scheduler's WatchdogError. Its JS stack would only show scheduler internals, so none
 * is captured: the traceback's last line is then the task's frame where it was noticed.
 */
function watchdogError(
  taskId: number,
  taskName: string,
  budget: number,
  measured: number,
  unit: "ms" | "steps",
): WatchdogError {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  const error = new WatchdogError(taskId, taskName, budget, measured, unit)
  Error.stackTraceLimit = limit
  return error
}

/** Throws a TypeError naming a bad `watchdog` option of `caller`. */
export function checkWatchdog(budget: unknown, caller: string): void {
  if (typeof budget !== "object" || budget === null) {
    throw new TypeError(
      `${caller}(program, { watchdog }): watchdog must be an object { ms?, steps? }, got ${describeInput(budget)}`,
    )
  }
  const { ms, steps } = budget as WatchdogBudget
  if (ms === undefined && steps === undefined) {
    throw new TypeError(
      `${caller}(program, { watchdog }): give a budget in ms, in steps, or both, e.g. { ms: 5 }`,
    )
  }
  for (const [name, value] of [
    ["ms", ms],
    ["steps", steps],
  ] as const) {
    if (
      value !== undefined &&
      (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value))
    ) {
      throw new TypeError(
        `${caller}(program, { watchdog }): watchdog.${name} must be a finite number >= 0, got ${describeInput(value)}`,
      )
    }
  }
}
