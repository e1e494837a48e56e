import { Effect } from "./effect.js"

/**
 * The effect that parks the whole machine on a JS promise. A handler (such as the
 * scheduler) may intercept it to park only one task; when nothing does, `runAsync` waits
 * for the promise and resumes the performer with its value (or throws its rejection
 * there), and `run` throws an error telling the user to call `runAsync`.
 *
 * @example
 * ```ts
 * const user = yield* new AwaitExternal(fetchJson("/users/7")) // or awaitExternal(fetchJson(…))
 * ```
 */
export class AwaitExternal<T = unknown> extends Effect<T> {
  declare protected readonly effectIdentity: unknown
  /** @hidden phantom: the run itself answers it (`runAsync`), so it is not left unanswered. */
  declare readonly effvmPerforms: never
  constructor(readonly promise: PromiseLike<T>) {
    super()
  }

  /** How messages and tracebacks show it. */
  override toString(): string {
    return "awaitExternal(promise)"
  }
}

/**
 * Waits for a JS promise. Without a scheduler this parks the whole machine, so it is how a
 * handler suspends on outside work: `const data = yield* awaitExternal(fetchData())`.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   return yield* awaitExternal(Promise.resolve(42))
 * })
 * await runAsync(main) // 42
 * ```
 */
export function awaitExternal<T>(promise: PromiseLike<T>): AwaitExternal<T> {
  return new AwaitExternal(promise)
}
