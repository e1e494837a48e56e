import * as Cause from "effect/Cause"

/**
 * An Effect-TS effect failed inside an effvm program (see `fromEffect`). The message is
 * Effect's own rendering of the `Cause` (`Cause.pretty`), so the traceback's last lines
 * read as Effect would print them; `effectCause` keeps the `Cause` itself, and `failure`
 * the value `Effect.runPromise` would have rejected with (`Cause.squash`).
 *
 * `toEffect` turns an `EffectFailure` that escapes a program back into its original
 * `Cause`, so `toEffect(fromEffect(e))` fails exactly like `e`.
 *
 * @example
 * ```ts
 * import { Data, Effect } from "effect"
 *
 * class NotFound extends Data.TaggedError("NotFound") {}
 * const main = program(function* main() {
 *   try {
 *     return yield* fromEffect(Effect.fail(new NotFound()))
 *   } catch (e) {
 *     if (e instanceof EffectFailure && e.failure instanceof NotFound) return "fallback"
 *     throw e
 *   }
 * })
 * ```
 */
export class EffectFailure<E = unknown> extends Error {
  /** The full `Cause` of the failed effect (failures, defects, interruptions). */
  readonly effectCause: Cause.Cause<E>

  constructor(cause: Cause.Cause<E>) {
    super(Cause.pretty(cause))
    this.name = "EffectFailure"
    this.effectCause = cause
  }

  /** What `Effect.runPromise` would reject with: the first failure, else the first defect. */
  get failure(): unknown {
    return Cause.squash(this.effectCause)
  }
}
