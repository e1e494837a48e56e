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
  const now = fiber.pollUnsafe()
  let result: Settled | undefined = now === undefined ? undefined : settledOf(now)
  if (result === undefined) {
    try {
      // The wait's value is plain data (the success, or the failure as an error), so a
      // journaled run (`@effvm/durable`) can record it.
      result = (yield* awaitExternal(resultOf(fiber))) as Settled
    } finally {
      // Cancelled (or torn down) while the fiber runs: interrupt it, and let the
      // cancellation complete only once its finalizers have run.
      if (result === undefined) {
        fiber.interruptUnsafe()
        fiber.currentDispatcher.flush()
        if (fiber.pollUnsafe() === undefined) yield* awaitExternal(resultOf(fiber))
      }
    }
  }
  if (result.ok) return result.value
  throw result.value
})

/** A fiber's exit as data: its success, or its failure as an `EffectFailure`. */
interface Settled {
  readonly ok: boolean
  readonly value: unknown
}

function settledOf(exit: Exit.Exit<unknown, unknown>): Settled {
  return Exit.isSuccess(exit)
    ? { ok: true, value: exit.value }
    : { ok: false, value: new EffectFailure(exit.cause) }
}

/** The fiber's outcome as a promise that never rejects, so nothing is ever unhandled. */
function resultOf<A, E>(fiber: Fiber.Fiber<A, E>): Promise<Settled> {
  return new Promise((resolve) => {
    fiber.addObserver((exit) => resolve(settledOf(exit as Exit.Exit<unknown, unknown>)))
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
export function fromEffect<A, E>(effect: Effect.Effect<A, E, never>): Program<A, never> {
  if (!Effect.isEffect(effect)) {
    throw new TypeError(
      `fromEffect() expects an Effect-TS Effect, got ${effect === null ? "null" : typeof effect}`,
    )
  }
  return runEffect(effect as Effect.Effect<unknown, unknown>) as Program<A, never>
}
