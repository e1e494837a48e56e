import type { Clock } from "./clock.js"
import { describeInput } from "./describe.js"
import { checkPolicyOptions, type PolicyOptions } from "./policy.js"
import { checkMaxRounds } from "./rounds.js"
import type { Task } from "./task.js"

/**
 * Options of `scheduled`.
 *
 * @example
 * ```ts
 * const options: SchedulerOptions = {
 *   clock: new VirtualClock(),
 *   quanta: 500,
 *   onDaemonError: (error, task) => console.error(`${task.name} failed`, error),
 * }
 * run(scheduled(main, options))
 * ```
 */
export interface SchedulerOptions extends PolicyOptions {
  /** The clock `sleep` measures against (default `realClock`; `new VirtualClock()` for tests). */
  readonly clock?: Clock
  /**
   * Machine steps a task may take before it is preempted so the other ready tasks get a
   * turn (default 1000; values from 1 to 3 are raised to 4). `0` or `Infinity` turns
   * preemption off.
   */
  readonly quanta?: number
  /**
   * Receives the failure of a daemon task nobody waited for. Without it, the failure is
   * thrown into the root task at its current suspension (so the run fails unless the body
   * catches it).
   */
  readonly onDaemonError?: (error: unknown, task: Task<unknown>) => void
  /**
   * Runs in rounds, like the scans of a PLC, and stops the run (as `vm.stop()` does) after
   * this many: a round gives one activation to every task that was ready when it began (by
   * priority); a task made ready during a round first runs in the next; the body's first
   * activation is round 1; time the clock jumps while nothing is ready is not a round.
   */
  readonly maxRounds?: number
}

/** Steps between preemptions when `quanta` is not given. */
export const DEFAULT_QUANTA = 1000

/**
 * The smallest budget that lets a preempted task make progress: resuming it takes two
 * steps before its next perform, so a budget of 1 or 2 would preempt that same perform
 * again, forever. Smaller positive values are raised to this.
 */
export const MIN_QUANTA = 4

/** Throws a TypeError naming the first bad option. */
export function checkOptions(options: SchedulerOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `scheduled(body, options): options must be an object, got ${describeInput(options)}`,
    )
  }
  checkPolicyOptions(options)
  const { clock, quanta, onDaemonError, maxRounds } = options
  if (maxRounds !== undefined) checkMaxRounds(maxRounds)
  if (
    clock !== undefined &&
    (typeof clock !== "object" || clock === null || typeof clock.now !== "function")
  ) {
    throw new TypeError(
      "scheduled(body, { clock }): clock must have a now() method (realClock or new VirtualClock())",
    )
  }
  if (quanta !== undefined && (typeof quanta !== "number" || !(quanta >= 0))) {
    throw new TypeError(
      `scheduled(body, { quanta }): quanta must be a number of steps >= 0, got ${describeInput(quanta)}`,
    )
  }
  if (onDaemonError !== undefined && typeof onDaemonError !== "function") {
    throw new TypeError(
      "scheduled(body, { onDaemonError }): onDaemonError must be a function (error, task) => void",
    )
  }
}
