import { type Continuation, type Effect, Program, program, Transfer } from "@effvm/vm-core"
import type { Clock } from "./clock.js"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import type { SchedulerPort } from "./port.js"
import { captureSpawnSite, type SpawnSite } from "./site.js"
import { sleep } from "./sleep.js"
import type { Task } from "./task.js"
import { checkSpawnOptions } from "./task-ops.js"
import type { SpawnOptions } from "./task-state.js"
import { PeriodicStats, periodicStats } from "./task-stats.js"
import type { WatchdogBudget } from "./watchdog.js"

/**
 * Options of `every`.
 *
 * @example
 * ```ts
 * yield* every(10, readSensor(), { name: "sensor", priority: 5, watchdog: { ms: 2 } })
 * ```
 */
export interface EveryOptions {
  /** The task's name in messages and tracebacks (default: the program's name). */
  readonly name?: string
  /** Higher runs first among ready tasks (default 0). */
  readonly priority?: number
  /** A budget for each activation of the task (see `WatchdogBudget`). */
  readonly watchdog?: WatchdogBudget
  /** As `spawn`'s: not cancelled when its parent ends, only when the whole run does. */
  readonly daemon?: boolean
}

/**
 * The periodic task's body: runs `body` at first, first + interval, first + 2·interval, …
 * on the scheduler's clock. A run that ends after its next due time counts one overrun and
 * realigns (next due = end + interval) instead of bursting to catch up.
 */
function periodicLoop(
  intervalMs: number,
  body: Program<unknown>,
  stats: PeriodicStats,
  clock: Clock,
): Program<never> {
  return program(function* every() {
    let due = clock.now()
    for (;;) {
      const start = clock.now()
      yield* body
      const end = clock.now()
      stats.record(end - start)
      due += intervalMs
      if (end > due) {
        stats.overruns++
        due = end + intervalMs
      }
      yield* sleep(due - end)
    }
  })
}

class Every extends SchedulerEffect<Task<never>> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `every(${this.intervalMs} ms, ${this.body.name})`
  }

  constructor(
    readonly intervalMs: number,
    readonly body: Program<unknown>,
    readonly options: EveryOptions | undefined,
    readonly site: SpawnSite,
  ) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, parent: Task<unknown>): unknown {
    const stats = new PeriodicStats()
    const loop = periodicLoop(this.intervalMs, this.body, stats, s.clock)
    const options: SpawnOptions = { ...this.options, name: this.options?.name ?? this.body.name }
    const task = s.spawnTask(parent, loop, options, this.site, k)
    periodicStats.set(task, stats)
    return Transfer(k, task)
  }
}

/**
 * Spawns a periodic task: one run of `program` per `intervalMs` on the scheduler's clock,
 * the first at once, like a cyclic task of a PLC. Without an overrun, run n starts at
 * first + n·interval however long the previous one took; a run that ends after its next
 * due time counts one overrun (see `taskStats`) and the next starts one interval later.
 * Evaluates to the task (like `spawn`); it runs until it is cancelled, its parent ends,
 * its program fails or the run is stopped.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const sensor = yield* every(10, readSensor(), { name: "sensor", priority: 2 })
 *   yield* every(100, control(), { name: "controller", watchdog: { ms: 5 } })
 *   yield* sleep(1_000)
 *   console.log(yield* taskStats(sensor)) // { activations: 100, … }
 * })
 * run(scheduled(main, { clock: new VirtualClock() }))
 * ```
 */
export function every<E extends Effect<unknown> = never>(
  intervalMs: number,
  program: Program<unknown, E>,
  options?: EveryOptions,
): SchedulerEffect<Task<never>, E> {
  if (typeof intervalMs !== "number" || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new TypeError(
      `every(intervalMs, program): intervalMs must be a finite number of milliseconds > 0, got ${describeInput(intervalMs)}`,
    )
  }
  if (!(program instanceof Program)) {
    throw new TypeError(
      `every(intervalMs, program) expects a program (made by fn(), program() or pure()), got ${describeInput(program)}`,
    )
  }
  if (options !== undefined) checkSpawnOptions(options, "every")
  return new Every(intervalMs, program, options, captureSpawnSite(every)) as SchedulerEffect<
    Task<never>,
    E
  >
}
