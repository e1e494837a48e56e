import {
  type Continuation,
  Delegate,
  type Effect,
  Transfer,
  TransferThrow,
  UnhandledEffectError,
  type Yielded,
} from "@effvm/vm-core"

/** Which kind of handler reports a missing key: the message's advice depends on it. */
export type KeySource = "reader" | "state"

/**
 * A key was asked for (`Ask`, `Get`, `Modify`) that no handler in scope holds. Raised at
 * the perform site, where `try/catch` or `attempt` can catch it.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   return yield* ask("db")
 * })
 * run(withHandler(reader({ user: "ada" }), main))
 * // MissingKeyError: Ask("db"): no reader in scope has the key "db". Keys in scope: user. …
 * ```
 */
export class MissingKeyError extends Error {
  /** The key nobody held (a string, or any `Map` key). */
  readonly key: unknown
  /** The effect that asked for it. */
  readonly effect: Effect<unknown>
  /** The keys the handlers in scope did hold, innermost handler first. */
  readonly available: readonly string[]

  /** @internal raised by the reader and state handlers only. */
  constructor(
    effect: Effect<unknown> & { readonly key: unknown },
    source: KeySource,
    available: readonly string[],
  ) {
    const key = effect.key
    const quoted = typeof key === "string" ? JSON.stringify(key) : keyText(key)
    const shown = `${effect.constructor.name}(${quoted})`
    const held = available.length > 0 ? available.join(", ") : "(none)"
    const advice =
      source === "reader"
        ? `no reader in scope has the key ${quoted}. Keys in scope: ${held}. ` +
          (typeof key === "string"
            ? `Provide it: reader({ ${key}: ... }) or local({ ${key}: ... }, program).`
            : `Provide it: reader(new Map([[key, ...]])) or local(new Map([[key, ...]]), program).`)
        : `no state handler in scope holds the key ${quoted}. Keys held: ${held}. ` +
          `Give it an initial value, state({ ${String(key)}: ... }), or put(${quoted}, value) before reading it.`
    super(`${shown}: ${advice}`)
    this.name = "MissingKeyError"
    this.key = key
    this.effect = effect
    this.available = available
  }
}

/**
 * The slow path of a keyed handler that does not hold the key: ask the handlers outside
 * it (so nested readers and state handlers compose), and if none of them holds it either,
 * raise a {@link MissingKeyError} at the perform site instead of a bare "unhandled effect".
 * Only misses allocate this generator; hits stay on the fast path.
 */
export function* answerFromOutside(
  effect: Effect<unknown> & { readonly key: unknown },
  k: Continuation<unknown>,
  source: KeySource,
  ownKeys: () => Iterable<string>,
): Generator<Yielded, unknown, unknown> {
  let answer: unknown
  try {
    answer = yield* Delegate()
  } catch (error) {
    return yield* TransferThrow(k, explainMiss(error, effect, source, ownKeys))
  }
  return yield* Transfer(k, answer)
}

/** Turns "nobody outside answered" into a MissingKeyError listing every key seen. */
function explainMiss(
  error: unknown,
  effect: Effect<unknown> & { readonly key: unknown },
  source: KeySource,
  ownKeys: () => Iterable<string>,
): unknown {
  if (error instanceof UnhandledEffectError && error.effect === effect) {
    return new MissingKeyError(effect, source, [...ownKeys()])
  }
  if (error instanceof MissingKeyError && error.effect === effect) {
    const keys = new Set(ownKeys())
    for (const key of error.available) keys.add(key)
    return new MissingKeyError(effect, source, [...keys])
  }
  return error
}

/** A key of any type, as messages show it. */
export function keyText(key: unknown): string {
  if (typeof key === "string") return key
  if (typeof key === "symbol") return key.toString()
  if (typeof key === "object" && key !== null) {
    const name = (key as { name?: unknown }).name
    if (typeof name === "string") return name
    return key.constructor?.name ? `a ${key.constructor.name}` : "an object"
  }
  return String(key)
}
