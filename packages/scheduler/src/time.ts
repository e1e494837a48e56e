import type { Continuation } from "@effvm/vm-core"
import { Transfer } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import type { SchedulerPort } from "./port.js"
import { SleepWait } from "./sleep.js"
import type { Task } from "./task.js"

class Now extends SchedulerEffect<number> {
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>): unknown {
    return Transfer(k, s.clock.now())
  }
  /** How messages and tracebacks show it. */
  override toString(): string {
    return "now()"
  }
}

class SleepUntil extends SchedulerEffect<void> {
  constructor(readonly time: number) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    if (this.time <= s.clock.now()) return s.yieldTurn(task, k)
    const timer = s.timers.add(this.time, task)
    return s.block(task, k, new SleepWait(s.timers, timer))
  }
  /** How messages and tracebacks show it: `sleepUntil(1500 ms)`. */
  override toString(): string {
    return `sleepUntil(${this.time} ms)`
  }
}

const nowEffect = new Now()

/**
 * The scheduler clock's current time in milliseconds (`scheduled(body, { clock })`): a
 * `VirtualClock`'s virtual time, or the real clock's `performance.now()`. An effect, so
 * a program that reads the time stays testable and replayable.
 *
 * @example
 * ```ts
 * const timed = fn(function* timed() {
 *   const start = yield* now()
 *   yield* sleep(250)
 *   return (yield* now()) - start // 250 on a VirtualClock
 * })
 * ```
 */
export function now(): SchedulerEffect<number> {
  return nowEffect
}

/**
 * Suspends the task until the scheduler clock reads `time` (milliseconds, the clock's own
 * scale, as `now()` gives it); the other tasks go on. A time already past yields the
 * turn, like `sleep(0)`. Tasks wake in time order, FIFO among equal times.
 *
 * @example
 * ```ts
 * const start = yield* now()
 * for (let tick = 1; tick <= 3; tick++) {
 *   yield* sleepUntil(start + tick * 100) // no drift, however long each tick's work took
 *   yield* work(tick)
 * }
 * ```
 */
export function sleepUntil(time: number): SchedulerEffect<void> {
  if (typeof time !== "number" || !Number.isFinite(time)) {
    throw new TypeError(
      `sleepUntil(time) expects a finite time in milliseconds of the scheduler clock (as now() gives it), got ${describeInput(time)}`,
    )
  }
  return new SleepUntil(time)
}
