import { describeEffect } from "../effect.js"

/**
 * Base class of cancellation and stop signals: the analogue of Python's `BaseException`
 * that is not an `Exception`. Interrupts are never enriched and `attempt` does not catch
 * them.
 *
 * @example
 * ```ts
 * class Shutdown extends Interrupt {}
 * try {
 *   yield* work()
 * } catch (e) {
 *   if (e instanceof Interrupt) throw e // never swallow a cancellation or a stop
 * }
 * ```
 */
export class Interrupt extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/**
 * No handler in scope answered an effect (or a handler's `Pass()`/`Delegate()` found no
 * outer handler). Raised at the perform site, where `try/catch` can catch it.
 *
 * @example
 * ```ts
 * try { yield* new Ask("db") } catch (e) { if (e instanceof UnhandledEffectError) e.effect }
 * ```
 */
export class UnhandledEffectError extends Error {
  /** The effect nobody answered. */
  readonly effect: unknown
  /** Names of the handlers that were in scope, innermost first. */
  readonly handlersInScope: readonly string[]

  constructor(effect: unknown, handlersInScope: readonly string[], where: string) {
    const scope = handlersInScope.length
      ? `Handlers in scope, innermost first: ${handlersInScope.join(", ")}.`
      : "No handlers are in scope."
    super(`Unhandled effect ${describeEffect(effect)} in ${where}. ${scope} ${hintFor(effect)}`)
    this.name = "UnhandledEffectError"
    this.effect = effect
    this.handlersInScope = handlersInScope
  }
}

/**
 * What an unhandled-effect message suggests: the effect class's own `unhandledHint` (a
 * static string, inherited by subclasses), else to install a handler for its class.
 */
function hintFor(effect: unknown): string {
  const cls = (effect as object | null)?.constructor as
    | { name?: string; unhandledHint?: unknown }
    | undefined
  if (typeof cls?.unhandledHint === "string") return cls.unhandledHint
  return `Install a handler for ${cls?.name ?? "Effect"} (withHandler(handler(...), program)).`
}

/**
 * A continuation was used wrongly: resumed twice, resumed from another run, or passed on
 * after it was resumed. Continuations are one-shot and owned in one place.
 *
 * @example
 * ```ts
 * handler(function* twice(eff, k) {
 *   yield* Resume(k, 1)
 *   yield* Resume(k, 2) // throws ContinuationError: already resumed
 * })
 * ```
 */
export class ContinuationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "ContinuationError"
  }
}
