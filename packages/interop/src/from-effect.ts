import { awaitExternal, fn, type Program, type Yielded } from "@effvm/vm-core"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import { EffectFailure } from "./effect-failure.js"

/**
 * Runs `effect` on a fresh fiber. The fiber's queued work is flushed at once, so an effect
 * that never waits on anything outside completes here, synchronously (under `run` too);
 * otherwise the frame waits on the fiber's exit like `awaitPromise` (which parks only this
 * task under the scheduler, and needs `runAsync`).
 */
const runEffect = fn(function* fromEffect(
  effect: Effect.Effect<unknown, unknown>,
): Generator<Yielded, unknown, unknown> {
  const fiber = Effect.runFork(effect)
  fiber.currentDispatcher.flush()
  let exit = fiber.pollUnsafe()
  if (exit === undefined) {
    try {
      exit = (yield* awaitExternal(exitOf(fiber))) as Exit.Exit<unknown, unknown>
    } finally {
      // Cancelled (or torn down) while the fiber runs: interrupt it, and let the
      // cancellation complete only once its finalizers have run.
      if (exit === undefined) {
        fiber.interruptUnsafe()
        fiber.currentDispatcher.flush()
        if (fiber.pollUnsafe() === undefined) yield* awaitExternal(exitOf(fiber))
      }
    }
  }
  if (Exit.isSuccess(exit)) return exit.value
  throw new EffectFailure(exit.cause)
})

/** The fiber's exit as a promise that never rejects, so nothing is ever unhandled. */
function exitOf<A, E>(fiber: Fiber.Fiber<A, E>): Promise<Exit.Exit<A, E>> {
  return new Promise((resolve) => {
    fiber.addObserver(resolve)
  })
}

/**
 * A program that runs an Effect-TS `Effect` and evaluates to its success. A failure is
 * thrown into the program as an {@link EffectFailure} whose message is Effect's rendering
 * of the `Cause`. A synchronous effect completes under `run`; an asynchronous one parks
 * the task like `awaitPromise` (use `runAsync`). Cancelling the task interrupts the fiber,
 * and the cancellation completes after the fiber's finalizers have run.
 *
 * Each run of the program runs the effect afresh, like `Effect.runFork`. The effect must
 * need no services (`R = never`): provide them first with `Effect.provide`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 *
 * const main = program(function* main() {
 *   const n = yield* fromEffect(Effect.succeed(20))
 *   return n + (yield* fromEffect(Effect.promise(() => Promise.resolve(22))))
 * })
 * await runAsync(scheduled(main)) // 42
 * ```
 */
export function fromEffect<A, E>(effect: Effect.Effect<A, E, never>): Program<A> {
  if (!Effect.isEffect(effect)) {
    throw new TypeError(
      `fromEffect() expects an Effect-TS Effect, got ${effect === null ? "null" : typeof effect}`,
    )
  }
  return runEffect(effect as Effect.Effect<unknown, unknown>) as Program<A>
}
