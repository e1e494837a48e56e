import { fn, Interrupt, Program, type Untracked } from "@effvm/vm-core"
import { notAProgramHint } from "@effvm/vm-core/internal"

/**
 * What {@link attempt} gives: the value, or the error thrown.
 *
 * @example
 * ```ts
 * const r: AttemptResult<number> = yield* attempt(count())
 * const n = r.ok ? r.value : 0
 * ```
 */
export type AttemptResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown }

const attemptProgram = fn(function* attempt(body: Program<unknown>) {
  try {
    const value = yield* body
    return { ok: true, value } as AttemptResult<unknown>
  } catch (error) {
    // Interrupts (cancellation, stop) are not failures of `body`: they must reach the task.
    if (error instanceof Interrupt) throw error
    return { ok: false, error } as AttemptResult<unknown>
  }
})

/**
 * Runs `body` and turns a thrown error into a value: `{ ok: true, value }` or
 * `{ ok: false, error }`. An `Interrupt` (cancellation, stop) is not caught: it goes on
 * unwinding. Effects `body` performed before failing are not undone (state writes stay).
 *
 * `attempt(body)` is a plain program with a `try/catch` around `yield* body`, so `body`
 * runs at the perform site and sees every handler in scope there.
 *
 * @example
 * ```ts
 * const risky = program(function* risky() {
 *   throw new Error("boom")
 * })
 * const main = program(function* main() {
 *   const r = yield* attempt(risky)
 *   return r.ok ? r.value : (r.error as Error).message
 * })
 * run(main) // "boom"
 * ```
 */
export function attempt<T, E = Untracked>(body: Program<T, E>): Program<AttemptResult<T>, E> {
  if (!(body instanceof Program)) {
    throw new TypeError(`attempt(body) expects a program, got ${notAProgramHint(body)}.`)
  }
  return attemptProgram(body) as Program<AttemptResult<T>, E>
}
