import type { Continuation } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import type { SchedulerPort } from "./port.js"
import type { Timer, TimerQueue } from "./queues.js"
import type { Task } from "./task.js"
import type { Blocker } from "./wait-types.js"

/** A task sleeping until its timer is due (`sleep`, `sleepUntil`). */
export class SleepWait implements Blocker {
  readonly defersInterrupts = false

  constructor(
    readonly timers: TimerQueue<Task<unknown>>,
    readonly timer: Timer<Task<unknown>>,
  ) {}

  detach(): void {
    this.timers.remove(this.timer)
  }

  describe(): string {
    return `sleeps until ${this.timer.due} ms`
  }
}

class Sleep extends SchedulerEffect<void> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `sleep(${this.ms} ms)`
  }

  constructor(readonly ms: number) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    if (this.ms <= 0) return s.yieldTurn(task, k)
    const timer = s.timers.add(s.clock.now() + this.ms, task)
    return s.block(task, k, new SleepWait(s.timers, timer))
  }
}

/**
 * Suspends the task for `ms` milliseconds of the scheduler's clock (`scheduled(body, {
 * clock })`); the other tasks go on. `sleep(0)` (or less) yields: the task goes to the
 * back of the ready queue. Tasks wake in time order, FIFO among equal times.
 *
 * @example
 * ```ts
 * const ticker = fn(function* ticker() {
 *   for (let i = 0; i < 3; i++) {
 *     yield* sleep(1000)
 *     console.log("tick", i)
 *   }
 * })
 * run(scheduled(ticker(), { clock: new VirtualClock() })) // instantly
 * ```
 */
export function sleep(ms: number): SchedulerEffect<void> {
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new TypeError(
      `sleep(ms) expects a finite number of milliseconds, got ${describeInput(ms)}`,
    )
  }
  return ms <= 0 ? yieldTurn : new Sleep(ms)
}

// Effects are immutable, so every cooperative yield can share one instance.
const yieldTurn = new Sleep(0)
