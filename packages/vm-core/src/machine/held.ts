import { type Continuation, K_LIVE } from "./continuation.js"
import { AFTER_RUN_DONE, AFTER_RUN_FAILED, MarkerFrame } from "./frames.js"
import type { Machine } from "./state.js"
import { closeContinuation } from "./transitions.js"

/**
 * Continuations left held when a run ends (docs/semantics.md §3, docs/architecture.md). A handler that
 * hands control to another continuation while keeping its own (a scheduler switching
 * tasks, a producer/consumer pair of handlers) leaves that one live with no frame owning
 * it. Such continuations are noted here, and when the run ends, done, failed or stopped,
 * the ones still live are closed, so their `finally` blocks run before the run returns.
 */

const FIRST_COMPACTION = 1024

/** `k` stays live with whoever holds it: its handler handed control elsewhere. */
export function noteHeld(vm: Machine, k: Continuation<unknown>): void {
  const held = vm.held
  if (held === null) {
    vm.held = [k]
    return
  }
  held.push(k)
  if (held.length >= vm.heldLimit) {
    // Most were resumed since (a scheduler resumes each task it switched away from).
    let n = 0
    for (const x of held) if (x.state === K_LIVE) held[n++] = x
    held.length = n
    vm.heldLimit = Math.max(FIRST_COMPACTION, 2 * n)
  }
}

/**
 * The run has ended with `value` (or failed with it): closes the newest continuation still
 * held, innermost frame first, and returns true, or returns false when none is left. A
 * marker below it ends the run again with the same outcome, which closes the next one; an
 * error a `finally` raises replaces a successful outcome (as for an abort) and is kept on a
 * failure as `suppressed`.
 */
export function closeHeldAtEnd(vm: Machine, ok: boolean, value: unknown): boolean {
  const held = vm.held
  if (held === null) return false
  let k = held.pop()
  while (k !== undefined && k.state !== K_LIVE) k = held.pop()
  if (k === undefined || k.bottom === null) {
    vm.held = null
    return false
  }
  closeContinuation(
    vm,
    k,
    new MarkerFrame(null, ok ? AFTER_RUN_DONE : AFTER_RUN_FAILED, value, null),
  )
  return true
}

/** Adds `error` to `failure.suppressed` (not enumerable), so nothing is dropped. */
export function suppressInto(failure: unknown, error: unknown): void {
  if (failure === null || typeof failure !== "object") return
  const existing = (failure as { suppressed?: unknown[] }).suppressed
  try {
    if (Array.isArray(existing)) existing.push(error)
    else
      Object.defineProperty(failure, "suppressed", {
        value: [error],
        configurable: true,
        writable: true,
      })
  } catch {
    // frozen
  }
}
