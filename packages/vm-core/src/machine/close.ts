import { describeValue } from "../effect.js"
import { settle } from "../errors/context.js"
import { addSuppressed } from "../errors/facts.js"
import { type Performing, recordOrigin } from "../errors/origin.js"
import { type Continuation, K_ABANDONED, K_LIVE } from "./continuation.js"
import { continueDispatch, enrichAt, frameName, noteVerdict, reinstall } from "./dispatch.js"
import { abandonErrorDispatch, isErrorSiteDispatch } from "./error-dispatch.js"
import {
  AFTER_ABORT,
  AFTER_PASS,
  AFTER_RUN_DONE,
  AFTER_RUN_FAILED,
  AFTER_TRANSFER,
  AFTER_TRANSFER_ENRICH,
  bumpLookupEpoch,
  FINISHING,
  FRAME_HANDLER,
  FRAME_MARKER,
  FRAME_PROMPT,
  type Frame,
  type HandlerFrame,
  LIVE,
  MARKED,
  MarkerFrame,
} from "./frames.js"
import { setCloser } from "./held.js"
import { fail, finish, type Machine } from "./machine.js"
import { CLOSE, MODE_DELIVER, MODE_HANDLE_YIELD, MODE_RETURN, MODE_THROW } from "./modes.js"

/**
 * Closing abandoned work. A continuation that nobody will resume is closed innermost first:
 * each generator gets `return()`, so its `finally` blocks run exactly once. A `finally` may
 * perform effects, so closing is driven by the machine itself: the region's frames are
 * marked, the payload CLOSE flows down through them, and a marker frame below the region
 * says what happens once it is closed.
 */

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

setCloser(closeContinuation)

/** Marks every frame from `top` down to (not including) `below` as waiting to be closed. */
export function markRegion(top: Frame, below: Frame | null): void {
  for (let f: Frame | null = top; f !== null && f !== below; f = f.parent) {
    if (f.closing === LIVE) f.closing = MARKED
  }
}

/** A generator handler returned `value` without resuming its k: abort (docs/semantics.md §3). */
export function abortFromHandler(vm: Machine, h: HandlerFrame, value: unknown): void {
  noteVerdict(h.k, h.via, "aborted")
  if (isErrorSiteDispatch(h.k)) {
    abandonErrorDispatch(vm, h.k)
    return
  }
  closeContinuation(vm, h.k, new MarkerFrame(h.parent, AFTER_ABORT, value, null))
}

/** A fast-path handler returned a value that is not a control: abort with it. */
export function abortFromFastPath(vm: Machine, k: Continuation<unknown>, value: unknown): void {
  noteVerdict(k, k.bottom, "aborted")
  if (isErrorSiteDispatch(k)) {
    abandonErrorDispatch(vm, k)
    return
  }
  closeContinuation(vm, k, new MarkerFrame(k.bottom!.parent, AFTER_ABORT, value, null))
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

/** Control reached a marker: its region is closed; do what was planned. */
export function runMarker(vm: Machine, f: Frame, payload: unknown): void {
  const m = f as MarkerFrame
  if (payload !== CLOSE) {
    m.error = payload
    m.hasError = true
  }
  const target = m.parent
  if (m.closing !== LIVE) {
    // An outer abort is closing this marker's frames too: its own plan is void, but a
    // continuation it was carrying (transfer, pass) is now abandoned and closed first.
    if (m.k !== null && m.k.bottom !== null) closeContinuation(vm, m.k, target)
    else throwAt(vm, target, CLOSE)
    return
  }
  const k = m.k
  if (m.after === AFTER_RUN_DONE) {
    if (m.hasError) fail(vm, m.error)
    else finish(vm, m.value)
    return
  }
  if (m.after === AFTER_RUN_FAILED) {
    if (m.hasError) addSuppressed(m.value, m.error)
    fail(vm, m.value)
    return
  }
  if (m.after === AFTER_ABORT) {
    if (m.hasError) throwAt(vm, target, m.error)
    else completeWith(vm, target, m.value)
    return
  }
  if (m.after === AFTER_PASS) {
    if (m.hasError) {
      // The handler's own finally failed before k moved on: fail at the perform site.
      k!.state = K_ABANDONED
      throwAt(vm, k!.top, m.error)
      return
    }
    continueDispatch(vm, k!, k!.bottom!.prompt)
    return
  }
  // AFTER_TRANSFER / AFTER_TRANSFER_THROW
  if (m.hasError) {
    closeContinuation(vm, k!, errorMarker(target, m.error))
    return
  }
  reinstall(k!, target)
  if (m.after === AFTER_TRANSFER_ENRICH) {
    enrichAt(vm, k!, m.value)
    return
  }
  if (m.after !== AFTER_TRANSFER) recordOrigin(m.value, k!.top, performed(k!, "transferred"))
  vm.top = k!.top
  vm.mode = m.after === AFTER_TRANSFER ? MODE_DELIVER : MODE_THROW
  vm.value = m.value
}

function performed(k: Continuation<unknown>, last: "transferred"): Performing {
  return { effect: k.effect, k, last }
}

function errorMarker(target: Frame | null, error: unknown): MarkerFrame {
  const m = new MarkerFrame(target, AFTER_ABORT, undefined, null)
  m.error = error
  m.hasError = true
  return m
}

/** Delivers `value` as the completion of whatever runs on `target`. */
export function completeWith(vm: Machine, target: Frame | null, value: unknown): void {
  if (target === null) {
    finish(vm, value)
    return
  }
  vm.top = target
  vm.value = value
  if (target.closing === MARKED) {
    vm.mode = MODE_THROW
    vm.value = CLOSE
  } else if (target.gen !== null) vm.mode = MODE_DELIVER
  else if (target.kind === FRAME_PROMPT) vm.mode = MODE_RETURN
  else {
    vm.mode = MODE_THROW
    vm.value = CLOSE
  }
}

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

/**
 * Ends handler frame `h` because `from` (h or a frame it called) yielded a terminal control,
 * then does what `after` plans (with `value` and `k`, as a marker frame would). The common
 * case (h itself, no effect in its `finally`) closes h directly, without extra steps; a
 * Transfer then resumes `k` at once and needs no marker frame at all (W1 generator handler).
 */
export function endHandlerThen(
  vm: Machine,
  from: Frame,
  h: HandlerFrame,
  after: number,
  value: unknown,
  k: Continuation<unknown> | null,
): void {
  h.ended = true
  const target = h.parent
  if (from !== h) {
    const marker = new MarkerFrame(target, after, value, k)
    h.parent = marker
    markRegion(from, marker)
    vm.top = from
    vm.mode = MODE_THROW
    vm.value = CLOSE
    return
  }
  // Nothing runs on the machine during return(): the marker can be made once it is needed.
  let r: IteratorResult<unknown, unknown>
  try {
    h.closing = FINISHING
    r = h.gen!.return(undefined)
  } catch (error) {
    closeFailed(vm, h, new MarkerFrame(target, after, value, k), error)
    return
  }
  if (r.done && after === AFTER_TRANSFER) resumeTransferred(vm, k!, target, value)
  else closedThen(vm, h, new MarkerFrame(target, after, value, k), r)
}

/** Ended handler `h`'s return() threw `error`: the plan of `marker` (below h) meets it. */
export function closeFailed(
  vm: Machine,
  h: HandlerFrame,
  marker: MarkerFrame,
  error: unknown,
): void {
  h.parent = marker
  runMarker(vm, marker, error)
}

/** Ended handler `h`'s return() gave `r`: the plan of `marker` runs once h is closed. */
export function closedThen(
  vm: Machine,
  h: HandlerFrame,
  marker: MarkerFrame,
  r: IteratorResult<unknown, unknown>,
): void {
  h.parent = marker
  if (r.done) runMarker(vm, marker, CLOSE)
  else {
    // Its `finally` performs: the marker waits below h until that finishes.
    vm.top = h
    vm.mode = MODE_HANDLE_YIELD
    vm.value = r.value
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

/** A frame yielded something that is not an instruction: TypeError at that yield (docs/semantics.md §2). */
export function badYield(vm: Machine, value: unknown): void {
  const f = vm.top!
  const hint =
    typeof value === "object" &&
    value !== null &&
    typeof (value as Iterator<unknown>).next === "function"
      ? " It looks like an iterator: did you mean yield* instead of yield?"
      : " Use yield* with an effect, a program or a control value (did you write yield instead of yield*?)."
  const error = new TypeError(
    `Bad yield in ${frameName(f)}: yielded ${describeValue(value)}, which is not an effect, a program or a control value.${hint}`,
  )
  vm.failedFrame = f
  throwAt(vm, f, error)
}

export { AFTER_TRANSFER }
