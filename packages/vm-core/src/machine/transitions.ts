import { OP_RESUME, OP_RESUME_THROW, OP_TRANSFER, type ResumeOp } from "../control.js"
import { settle } from "../errors/context.js"
import { recordCrossing, recordOrigin } from "../errors/origin.js"
import { type Continuation, K_ABANDONED, K_LIVE } from "./continuation.js"
import {
  bumpLookupEpoch,
  FRAME_HANDLER,
  FRAME_MARKER,
  FRAME_PROMPT,
  type Frame,
  type HandlerFrame,
  LIVE,
  MARKED,
  type MarkerFrame,
  promptOf,
} from "./frames.js"
import { CLOSE, MODE_DELIVER, MODE_DISPATCH_ERROR, MODE_THROW } from "./modes.js"
import type { Machine } from "./state.js"

/**
 * The transitions every part of the machine shares: throwing at a frame, relinking a
 * continuation, and closing abandoned work. A continuation that nobody will resume is
 * closed innermost first: each generator gets `return()`, so its `finally` blocks run
 * exactly once. A `finally` may perform effects, so closing is driven by the machine
 * itself: the region's frames are marked, the payload CLOSE flows down through them, and
 * a marker frame below the region says what happens once it is closed (close.ts).
 * This module imports no other transition: it is the leaf the others build on.
 */

/**
 * Throws `error` into `target` (or out of the machine when `target` is null). Errors the
 * machine raises itself (an unhandled effect, a handler's error, misuse) are settled here,
 * at their origin: a `finally` they unwind through may perform effects, and the error that
 * comes back out of it afterwards is not new (never converted later, docs/semantics.md §5).
 */
export function throwAt(vm: Machine, target: Frame | null, error: unknown): void {
  recordOrigin(error, target)
  settle(error)
  vm.top = target
  vm.mode = MODE_THROW
  vm.value = error
}

/** Puts `k`'s frames back on top of `f`: its final value will return to `f`. */
export function reinstall(k: Continuation<unknown>, f: Frame | null): void {
  const bottom = k.bottom!
  bottom.parent = f
  const chain = promptOf(f)
  if (bottom.prompt !== chain) {
    bottom.prompt = chain
    bumpLookupEpoch()
  }
}

/** A transferring handler is closed: `k` goes back on `target` and gets `value`. */
export function resumeTransferred(
  vm: Machine,
  k: Continuation<unknown>,
  target: Frame | null,
  value: unknown,
): void {
  reinstall(k, target)
  vm.top = k.top
  vm.mode = MODE_DELIVER
  vm.value = value
}

/**
 * Abandons `k` and closes it; `below` is where control goes afterwards (a marker with the
 * plan, or a frame that is itself being closed).
 */
export function closeContinuation(
  vm: Machine,
  k: Continuation<unknown>,
  below: Frame | null,
): void {
  k.state = K_ABANDONED
  const bottom = k.bottom!
  bottom.parent = below
  // Effects from the closing `finally` blocks skip the handler that abandoned k (docs/semantics.md §3).
  if (bottom.kind === FRAME_PROMPT && !bottom.disabled) {
    bottom.disabled = true
    bumpLookupEpoch()
  }
  markRegion(k.top, below)
  vm.top = k.top
  vm.mode = MODE_THROW
  vm.value = CLOSE
}

/** Marks every frame from `top` down to (not including) `below` as waiting to be closed. */
export function markRegion(top: Frame, below: Frame | null): void {
  for (let f: Frame | null = top; f !== null && f !== below; f = f.parent) {
    if (f.closing === LIVE) f.closing = MARKED
  }
}

/**
 * A frame finished closing (normally or by throwing). A handler frame closed from outside
 * while it still held a live k abandons that k too, so its frames are closed next.
 */
export function leaveClosingFrame(vm: Machine, f: Frame): void {
  const parent = f.parent
  if (f.kind === FRAME_HANDLER) {
    const h = f as HandlerFrame
    if (!h.ended && h.k.state === K_LIVE) {
      closeContinuation(vm, h.k, parent)
      return
    }
  }
  vm.top = parent
  vm.mode = MODE_THROW
  vm.value = CLOSE
}

/** Remembers an error a `finally` threw while closing, on the marker below the region. */
export function recordCloseError(f: Frame, error: unknown): void {
  for (let m: Frame | null = f.parent; m !== null; m = m.parent) {
    if (m.kind === FRAME_MARKER && m.closing === LIVE) {
      const marker = m as MarkerFrame
      // A later (outer) finally's error replaces an earlier one, as in JS unwinding.
      marker.error = error
      marker.hasError = true
      return
    }
  }
}

/** Continues `k` (already reinstalled) with a value, or with a handler's throw. */
export function resumeWith(
  vm: Machine,
  k: Continuation<unknown>,
  op: ResumeOp,
  value: unknown,
): void {
  vm.top = k.top
  vm.value = value
  if (op === OP_RESUME || op === OP_TRANSFER) vm.mode = MODE_DELIVER
  else thrownByHandler(vm, k, op, value)
}

/** ResumeThrow/TransferThrow errors are raised at the perform site and never enriched (§5). */
export function thrownByHandler(
  vm: Machine,
  k: Continuation<unknown>,
  op: ResumeOp,
  error: unknown,
): void {
  settle(error)
  const last = op === OP_RESUME_THROW ? "resumed" : "transferred"
  recordOrigin(error, k.top, { effect: k.effect, k, last })
  vm.mode = MODE_THROW
}

/** Throws `error` at `k`'s perform site through a fresh enrichment there (cross-task, §7). */
export function enrichAt(vm: Machine, k: Continuation<unknown>, error: unknown): void {
  recordCrossing(error, k.top, { effect: k.effect, k, last: "transferred" })
  vm.top = k.top
  vm.value = error
  vm.forceEnrich = true
  vm.failedFrame = k.top
  vm.mode = MODE_DISPATCH_ERROR
}
