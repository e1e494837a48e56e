import { type Effect, fn, Program, type Untracked, withHandler, type Yielded } from "@effvm/vm-core"
import { settle } from "@effvm/vm-core/internal"
import { closeHeldTasks } from "./abandon.js"
import { describeInput } from "./describe.js"
import type { SchedulerEffect } from "./effect.js"
import { rootMain } from "./internal-effects.js"
import { checkOptions, type SchedulerOptions } from "./options.js"
import { Scheduler, SchedulerExit } from "./scheduler.js"

/**
 * One scheduler run per run of the program: a fresh Scheduler (its handler, its tasks),
 * installed around the root task. The handler ends the run by aborting with a
 * SchedulerExit, which this frame turns into the result or the error.
 */
const runScheduled = fn(function* scheduled(
  body: Program<unknown>,
  options: SchedulerOptions | undefined,
): Generator<Yielded, unknown, unknown> {
  const scheduler = new Scheduler(body.name, options)
  let exit: unknown
  try {
    exit = yield* withHandler(scheduler.handler, rootMain(body))
  } finally {
    // Tasks still live: the region is abandoned from outside (this frame is being closed)
    // or an error left it. Their continuations are closed here, so no finally is skipped.
    if (scheduler.live.size > 0) yield* closeAbandoned(scheduler)
  }
  if (!(exit instanceof SchedulerExit)) return exit
  if (exit.ok) return exit.value
  // Already enriched where it arose (or deliberately not): no second dispatch here.
  settle(exit.value)
  throw exit.value
})

/** Closes every task `scheduler` still holds; a failing `onChoices` is thrown last. */
function* closeAbandoned(scheduler: Scheduler): Generator<Yielded, void, unknown> {
  const { held, failure } = scheduler.abandon()
  yield* closeHeldTasks(scheduler, held, 0)
  if (failure !== null) throw failure.error
}

/**
 * Runs `body` as the root task of a cooperative scheduler: inside it, `spawn`, `wait`,
 * `gather`, `race`, `cancel`, `sleep`, `awaitPromise`, promises and semaphores work.
 * Evaluates to the body's value once every task has finished (the body's unfinished
 * children and all daemons are cancelled when it ends), or throws its error.
 *
 * Options: `clock` (`realClock` by default, `new VirtualClock()` for instant deterministic
 * time, also under `run`), `quanta` (machine steps before a busy task is preempted,
 * default 1000), `onDaemonError` (where unobserved daemon failures go; by default they are
 * thrown into the root task).
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const a = yield* spawn(worker("a"))
 *   const b = yield* spawn(worker("b"))
 *   return yield* gather(a, b)
 * })
 * run(scheduled(main, { clock: new VirtualClock() }))
 * ```
 */
export function scheduled<T, E = Untracked>(
  body: Program<T, E>,
  options?: SchedulerOptions,
): Program<T, Exclude<E, SchedulerEffect<unknown, Effect<unknown>>>> {
  if (!(body instanceof Program)) {
    throw new TypeError(`scheduled() expects a program, got ${describeInput(body)}`)
  }
  if (options !== undefined) checkOptions(options)
  return runScheduled(body, options) as Program<
    T,
    Exclude<E, SchedulerEffect<unknown, Effect<unknown>>>
  >
}
