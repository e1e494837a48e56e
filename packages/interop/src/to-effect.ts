import { type SchedulerEffect, type SchedulerOptions, scheduled } from "@effvm/scheduler"
import {
  type Answered,
  type AnyHandler,
  createVM,
  type Effect as EffvmEffect,
  Program,
  type Remaining,
  type VM,
} from "@effvm/vm-core"
import * as Effect from "effect/Effect"
import { EffectFailure } from "./effect-failure.js"

/**
 * Options of {@link toEffect}.
 *
 * @example
 * ```ts
 * const options: ToEffectOptions = {
 *   handlers: defaultHandlers({ env: { region: "eu" } }),
 *   scheduler: { clock: new VirtualClock() },
 * }
 * toEffect(main, options)
 * ```
 */
export interface ToEffectOptions<Hs extends readonly AnyHandler[] = readonly AnyHandler[]> {
  /**
   * Handlers installed around the scheduler, the first outermost (as `run`'s `handlers`):
   * with the scheduler, they must answer every effect of the program's type.
   */
  readonly handlers?: Hs
  /** Options of the scheduler the program runs under (`clock`, `quanta`, …). */
  readonly scheduler?: SchedulerOptions
}

/**
 * An Effect-TS `Effect` that runs `body` under the scheduler (`scheduled`) with `handlers`
 * around it, and succeeds with its value. Every run of the effect runs the program afresh.
 *
 * - A synchronous program completes synchronously (`Effect.runSync` works).
 * - A failure becomes an Effect failure with the error itself, which still answers
 *   `getTraceback`; an `EffectFailure` (an effect run by `fromEffect` that failed) becomes
 *   its original `Cause` again, so `toEffect(fromEffect(e))` behaves like `e`.
 * - Interrupting the fiber stops the run (`vm.stop()`: every task gets `StopError` at its
 *   suspension); the interruption completes once their `finally` blocks have run.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 *
 * const main = program(function* main() {
 *   yield* sleep(10)
 *   return `hello from ${yield* ask("region")}`
 * })
 * await Effect.runPromise(toEffect(main, { handlers: [reader({ region: "eu" })] }))
 * ```
 */
export function toEffect<T, E, const Hs extends readonly AnyHandler[] = readonly []>(
  body: Program<T, E> &
    Answered<Remaining<Exclude<E, SchedulerEffect<unknown, EffvmEffect<unknown>>>, Hs>>,
  options?: ToEffectOptions<Hs>,
): Effect.Effect<T, unknown> {
  if (!(body instanceof Program)) {
    throw new TypeError(
      `toEffect() expects a program (made by fn(), program(), pure() or withHandler()), got ${body === null ? "null" : typeof body}`,
    )
  }
  return Effect.callback<T, unknown>((resume) => {
    const vm = createVM(scheduled(body as Program<T>, options?.scheduler), {
      handlers: options?.handlers ?? [],
    })
    const ended = drive(vm, (outcome) => resume(outcome))
    return Effect.promise(() => {
      vm.stop()
      return ended
    })
  })
}

/**
 * Runs the machine as far as it goes now, then each time what it waits on settles, and
 * reports the outcome once. Synchronous programs end before this returns. The promise
 * settles when the machine has ended and never rejects.
 */
function drive<T>(vm: VM<T>, report: (outcome: Effect.Effect<T, unknown>) => void): Promise<void> {
  try {
    if (!runUntilParked(vm)) {
      report(outcomeOf(vm))
      return Promise.resolve()
    }
  } catch (bug) {
    report(Effect.die(bug))
    return Promise.resolve()
  }
  return (async () => {
    try {
      do await vm.whenReady()
      while (runUntilParked(vm))
      report(outcomeOf(vm))
    } catch (bug) {
      report(Effect.die(bug))
    }
  })()
}

/** Steps until the machine ends or waits; true when it waits. */
function runUntilParked(vm: VM<unknown>): boolean {
  vm.runFor(Number.POSITIVE_INFINITY)
  return vm.isBlocked()
}

function outcomeOf<T>(vm: VM<T>): Effect.Effect<T, unknown> {
  if (vm.status === "done") return Effect.succeed(vm.result as T)
  if (vm.status === "stopped") return Effect.interrupt
  const error = vm.error
  if (error instanceof EffectFailure) return Effect.failCause(error.effectCause)
  return Effect.fail(error)
}
