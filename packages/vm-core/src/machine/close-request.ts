import { Control, OP_CLOSE } from "../control.js"
import { continuationProblem } from "./claim.js"
import { type Continuation, K_ABANDONED } from "./continuation.js"
import { AFTER_ABORT, type Frame, LIVE, MarkerFrame } from "./frames.js"
import { CLOSE, MODE_THROW } from "./modes.js"
import type { Machine } from "./state.js"
import { markRegion, reinstall, throwAt } from "./transitions.js"

/**
 * Closing a continuation on request. A scheduler holds the continuations of its suspended
 * tasks; when its own region is abandoned from outside (an outer handler aborts), nobody
 * will resume them, and their `finally` blocks must still run (docs/semantics.md §8). The scheduler's
 * frame, closed in turn, yields `CloseContinuation(k)` for each one it holds.
 */

/**
 * `yield* CloseContinuation(k)` abandons the live continuation `k` and closes its frames
 * innermost first, as an abort would: each generator gets `return()`, so its `finally`
 * blocks run exactly once. Effects those blocks perform go to `k`'s own handlers, then to
 * the handlers visible where the request was made. It evaluates to `undefined` once every
 * frame is closed, or throws the error a `finally` threw (the last one, as in JS).
 *
 * @example
 * ```ts
 * const held: Continuation<unknown>[] = [] // suspended task continuations this program holds
 * try {
 *   yield* work()
 * } finally {
 *   for (const k of held) yield* CloseContinuation(k)
 * }
 * ```
 */
export function CloseContinuation(k: Continuation<unknown>): Control<void> {
  return new Control<void>(OP_CLOSE, k, undefined)
}

/** Frame `f` yielded `CloseContinuation(k)`: close k's frames, then come back to `f`. */
export function closeHeld(vm: Machine, f: Frame, k: unknown): void {
  const problem = continuationProblem(vm, k)
  if (problem !== null) {
    throwAt(vm, f, problem)
    return
  }
  const held = k as Continuation<unknown>
  held.state = K_ABANDONED
  // Unlike an abort, k's own handler stays enabled: it is not the one abandoning k, and it
  // may still answer (a scheduler throws an error into cleanup that needs it).
  const marker = new MarkerFrame(f, AFTER_ABORT, undefined, null)
  reinstall(held, marker)
  markRegion(held.top, marker)
  vm.top = held.top
  vm.mode = MODE_THROW
  vm.value = CLOSE
}

/**
 * Whether the handler holding `k` is inside a region being closed: an abort outside it
 * abandoned it, or its holder closes it. A scheduler asked for anything from such a
 * region cannot switch tasks any more.
 */
export function regionClosing(k: Continuation<unknown>): boolean {
  const bottom = k.bottom
  return bottom !== null && bottom.closing !== LIVE
}
