import { type Continuation, fn, Program, type Untracked } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import { RaceJoin } from "./joins.js"
import type { SchedulerPort } from "./port.js"
import { limitStackToCaller, SpawnSite } from "./site.js"
import { sleep } from "./sleep.js"
import type { Task } from "./task.js"

/**
 * Thrown by `timeout(ms, program)` when the program did not finish within `ms`
 * milliseconds of the scheduler clock. By then the program was cancelled and its
 * `finally` blocks have run. An ordinary error (not an `Interrupt`): `attempt` and
 * `retry` see it.
 *
 * @example
 * ```ts
 * try {
 *   return yield* timeout(500, fetchPage(url))
 * } catch (error) {
 *   if (error instanceof TimeoutError) return cachedPage(url)
 *   throw error
 * }
 * ```
 */
export class TimeoutError extends Error {
  override name = "TimeoutError"
  /** The time limit, in milliseconds. */
  readonly ms: number

  constructor(ms: number, programName: string) {
    super(`${programName} did not finish within ${ms} ms (timeout); it was cancelled.`)
    this.ms = ms
  }
}

/** What the timer of a timeout finishes with when it wins the race. */
const TIMED_OUT: unique symbol = Symbol("timed out")

const timer = fn(function* timeoutTimer(ms: number) {
  yield* sleep(ms)
  return TIMED_OUT
})

/**
 * Races the program (a child task) against a timer (a second child task named after the
 * limit): the first to finish wins, the other is cancelled and has finished its `finally`
 * blocks before the race answers.
 */
class TimeoutRace extends SchedulerEffect<unknown> {
  constructor(
    readonly ms: number,
    readonly program: Program<unknown>,
    readonly site: SpawnSite,
  ) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    const work = s.spawnTask(task, this.program, undefined, this.site, k)
    const clock = s.spawnTask(task, timer(this.ms), { name: `${this}` }, this.site, k)
    return new RaceJoin(s, task, [work, clock]).begin(k)
  }
  /** How messages and tracebacks show it: `timeout(50 ms)`. */
  override toString(): string {
    return `timeout(${this.ms} ms)`
  }
}

const runWithTimeout = fn(function* timeout(
  ms: number,
  program: Program<unknown>,
  site: SpawnSite,
) {
  const outcome = yield* new TimeoutRace(ms, program, site)
  if (outcome === TIMED_OUT) throw new TimeoutError(ms, program.name)
  return outcome
})

/**
 * Runs `program` with a time limit on the scheduler clock: its value if it finishes (or
 * its error if it fails) within `ms` milliseconds; otherwise the program is cancelled (it
 * sees `TaskCancelledError` at its current suspension), its `finally` blocks run, and
 * then `timeout` throws `TimeoutError`. The program runs as a child task, like a `race`
 * input. Needs `scheduled(...)`; on a `VirtualClock` the limit costs no real time.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const page = yield* timeout(1_000, fetchPage("https://example.org"))
 *   return page.length
 * })
 * ```
 */
export function timeout<T, E = Untracked>(
  ms: number,
  program: Program<T, E>,
): Program<T, E | SchedulerEffect<T>> {
  if (typeof ms !== "number" || Number.isNaN(ms) || ms < 0) {
    throw new TypeError(
      `timeout(ms, program) expects a non-negative number of milliseconds, got ${describeInput(ms)}`,
    )
  }
  if (!(program instanceof Program)) {
    throw new TypeError(
      `timeout(ms, program) expects a program as its second argument, got ${describeInput(program)}`,
    )
  }
  const limit = limitStackToCaller()
  const capture = new Error()
  Error.stackTraceLimit = limit
  return runWithTimeout(ms, program, new SpawnSite(capture)) as Program<T, E | SchedulerEffect<T>>
}
