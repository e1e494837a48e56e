import { type Performing, recordOrigin } from "../errors/origin.js"
import { type Continuation, K_ABANDONED, noteVerdict } from "./continuation.js"
import { completeWith, fail, finish } from "./end.js"
import { abandonErrorDispatch, isErrorSiteDispatch } from "./error-site.js"
import {
  AFTER_ABORT,
  AFTER_PASS,
  AFTER_RUN_DONE,
  AFTER_RUN_FAILED,
  AFTER_TRANSFER,
  AFTER_TRANSFER_ENRICH,
  AFTER_TRANSFER_THROW,
  type AfterClose,
  FINISHING,
  type Frame,
  type HandlerFrame,
  LIVE,
  MarkerFrame,
} from "./frames.js"
import { suppressInto } from "./held.js"
import { CLOSE, MODE_DELIVER, MODE_HANDLE_YIELD, MODE_THROW } from "./modes.js"
import { continueDispatch } from "./perform.js"
import type { Machine } from "./state.js"
import {
  closeContinuation,
  enrichAt,
  markRegion,
  reinstall,
  resumeTransferred,
  throwAt,
} from "./transitions.js"

/**
 * What happens once abandoned or ended work is closed (the closing itself: transitions.ts).
 * A marker frame below a region being closed carries the plan: deliver an abort's value,
 * resume a transferred continuation, continue a passed effect's dispatch, or end the run.
 * Continuing a dispatch is a perform (perform.ts), which in turn ends handlers here: the
 * one genuine recursion of the machine's modules.
 */

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
  switch (m.after) {
    case AFTER_RUN_DONE:
      if (m.hasError) fail(vm, m.error)
      else finish(vm, m.value)
      return
    case AFTER_RUN_FAILED:
      if (m.hasError) suppressInto(m.value, m.error)
      fail(vm, m.value)
      return
    case AFTER_ABORT:
      if (m.hasError) throwAt(vm, target, m.error)
      else completeWith(vm, target, m.value)
      return
    case AFTER_PASS:
      if (m.hasError) {
        // The handler's own finally failed before k moved on: fail at the perform site.
        k!.state = K_ABANDONED
        throwAt(vm, k!.top, m.error)
        return
      }
      continueDispatch(vm, k!, k!.bottom!.prompt)
      return
    case AFTER_TRANSFER:
    case AFTER_TRANSFER_THROW:
    case AFTER_TRANSFER_ENRICH:
      if (m.hasError) {
        closeContinuation(vm, k!, errorMarker(target, m.error))
        return
      }
      reinstall(k!, target)
      if (m.after === AFTER_TRANSFER_ENRICH) {
        enrichAt(vm, k!, m.value)
        return
      }
      if (m.after === AFTER_TRANSFER_THROW)
        recordOrigin(m.value, k!.top, performed(k!, "transferred"))
      vm.top = k!.top
      vm.mode = m.after === AFTER_TRANSFER ? MODE_DELIVER : MODE_THROW
      vm.value = m.value
      return
    default:
      m.after satisfies never
  }
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
  after: AfterClose,
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
