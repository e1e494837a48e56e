import { type Continuation, Transfer, TransferThrow } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import { Task } from "./task.js"

/**
 * What `taskStats(task)` reports for a periodic task (from `every`). Durations are
 * scheduler-clock milliseconds from the start to the end of one run of the program, sleeps
 * included.
 *
 * @example
 * ```ts
 * const stats: TaskStats = yield* taskStats(sensor)
 * console.log(`${stats.activations} scans, worst ${stats.maxMs} ms, ${stats.overruns} overruns`)
 * ```
 */
export interface TaskStats {
  /** Completed runs of the program. */
  readonly activations: number
  /** The duration of the last completed run (0 before the first). */
  readonly lastMs: number
  /** The longest run so far. */
  readonly maxMs: number
  /** Runs that ended after the next due time (each counts once, however late). */
  readonly overruns: number
}

/** The live counters of one periodic task. */
export class PeriodicStats {
  activations = 0
  lastMs = 0
  maxMs = 0
  overruns = 0

  record(durationMs: number): void {
    this.activations++
    this.lastMs = durationMs
    if (durationMs > this.maxMs) this.maxMs = durationMs
  }

  snapshot(): TaskStats {
    const { activations, lastMs, maxMs, overruns } = this
    return { activations, lastMs, maxMs, overruns }
  }
}

/** The counters of each periodic task, found by its handle. */
export const periodicStats = new WeakMap<Task<unknown>, PeriodicStats>()

class TaskStatsOf extends SchedulerEffect<TaskStats> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `taskStats(${this.task})`
  }

  constructor(readonly task: Task<unknown>) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(_s: unknown, k: Continuation<unknown>): unknown {
    const stats = periodicStats.get(this.task)
    if (stats === undefined) {
      return TransferThrow(
        k,
        new TypeError(
          `taskStats(${this.task}): it is not a periodic task. Statistics are kept for tasks started with every(intervalMs, program).`,
        ),
      )
    }
    return Transfer(k, stats.snapshot())
  }
}

/**
 * Reads the statistics of a periodic task (from `every`): `{ activations, lastMs, maxMs,
 * overruns }`, a snapshot taken now. Works while the task runs and after it ended, within
 * the same scheduler run.
 *
 * @example
 * ```ts
 * const sensor = yield* every(10, readSensor(), { name: "sensor" })
 * yield* sleep(1_000)
 * const { activations, overruns } = yield* taskStats(sensor) // 100, 0
 * ```
 */
export function taskStats(task: Task<unknown>): SchedulerEffect<TaskStats> {
  if (!(task instanceof Task)) {
    throw new TypeError(`taskStats() expects a task (from every), got ${describeInput(task)}`)
  }
  return new TaskStatsOf(task)
}
