import {
  type Control,
  OP_CLOSE,
  OP_DELEGATE,
  OP_PASS,
  OP_RESUME,
  OP_RESUME_THROW,
  OP_TRANSFER,
  OP_TRANSFER_ENRICH,
  OP_TRANSFER_THROW,
} from "../control.js"
import type { Effect } from "../effect.js"
import { UnhandledEffectError } from "../errors/errors.js"
import { recordOrigin } from "../errors/origin.js"
import { TAG_CONTROL, tagOf } from "../instruction.js"
import { traceFastControl } from "../trace/hooks.js"
import { answerUnhandled, preemptBefore } from "./builtin-effects.js"
import { continuationProblem } from "./claim.js"
import { abortFromFastPath, closedThen, closeFailed } from "./close.js"
import { Continuation, K_CONSUMED, K_LIVE, noteVerdict } from "./continuation.js"
import { throwFromFrame } from "./errors.js"
import {
  AFTER_TRANSFER,
  FINISHING,
  FRAME_PREEMPT,
  type Frame,
  HandlerFrame,
  isGenerator,
  MarkerFrame,
  type PromptFrame,
  type StepGenerator,
} from "./frames.js"
import { noteHeld } from "./held.js"
import { findHandler } from "./lookup.js"
import { MODE_DELIVER, MODE_HANDLE_YIELD, MODE_RETURN } from "./modes.js"
import { frameName, handlersInScope } from "./naming.js"
import type { Machine } from "./state.js"
import {
  enrichAt,
  reinstall,
  resumeTransferred,
  resumeWith,
  throwAt,
  thrownByHandler,
} from "./transitions.js"

/**
 * Performing an effect: find the handler, hand it a fresh continuation, and act on what it
 * returns. A generator handler that ends with a terminal control is closed by close.ts,
 * whose plans continue dispatch or resume here: the one genuine recursion of the machine's
 * modules (perform ↔ close).
 */

/** `f` performed `effect`: find the handler and hand it a fresh continuation. */
export function perform(vm: Machine, f: Frame, effect: Effect<unknown>): void {
  // Never preempt the stand-in's own perform (it would preempt again forever) or an error
  // dispatch (its guard is machine-wide, so another task's errors would go unenriched).
  if (vm.steps >= vm.preemptAt && f.kind !== FRAME_PREEMPT && !vm.inErrorDispatch) {
    preemptBefore(vm, f, effect)
    return
  }
  const p = findHandler(f.prompt, effect)
  if (p === null) {
    unhandled(vm, f, effect, null)
    return
  }
  invoke(vm, p, new Continuation(vm, f, p, effect))
}

/** Offers `k` to the handlers from `start` outwards (after a Pass). */
export function continueDispatch(
  vm: Machine,
  k: Continuation<unknown>,
  start: PromptFrame | null,
): void {
  const p = findHandler(start, k.effect)
  if (p === null) {
    unhandled(vm, k.top, k.effect, k)
    return
  }
  k.bottom = p
  invoke(vm, p, k)
}

/** Calls the handler of prompt `p` with `k` and acts on what it returns. */
function invoke(vm: Machine, p: PromptFrame, k: Continuation<unknown>): void {
  let r: unknown
  try {
    r = p.handler.fn(k.effect, k)
  } catch (error) {
    handlerFailed(vm, k, p, error)
    return
  }
  if (tagOf(r) === TAG_CONTROL) {
    fastControl(vm, p, k, r as Control)
    return
  }
  if (isGenerator(r)) {
    startHandler(vm, p, k, r)
    return
  }
  abortFromFastPath(vm, k, r)
}

/**
 * Runs a generator handler's first segment before making its frame. Most handlers end it
 * with `Transfer` of their own k and their `return()` completes at once: then the handler
 * never needs a frame (W1 generator handler). Otherwise the frame is made now, exactly as
 * it would have been. Nothing on the machine runs or reads `top` while the segment runs,
 * except what traced runs and `captureStacks: "full"` record: those make it first.
 */
function startHandler(
  vm: Machine,
  p: PromptFrame,
  k: Continuation<unknown>,
  gen: StepGenerator,
): void {
  if (vm.trace !== null || vm.liveStacks) {
    vm.top = new HandlerFrame(gen, p.parent, p, k)
    vm.mode = MODE_DELIVER
    vm.value = undefined
    return
  }
  let r: IteratorResult<unknown, unknown>
  try {
    r = gen.next(undefined)
  } catch (error) {
    throwFromFrame(vm, new HandlerFrame(gen, p.parent, p, k), error, false)
    return
  }
  const c = r.value as Control
  if (
    !r.done &&
    tagOf(c) === TAG_CONTROL &&
    c.op === OP_TRANSFER &&
    c.k === k &&
    k.state === K_LIVE
  ) {
    k.state = K_CONSUMED
    transferFromFirstSegment(vm, p, k, gen, c.value)
    return
  }
  vm.top = new HandlerFrame(gen, p.parent, p, k)
  vm.mode = r.done ? MODE_RETURN : MODE_HANDLE_YIELD
  vm.value = r.value
}

/** `Transfer(k, value)` ended a handler's first segment: close it, then resume k. */
function transferFromFirstSegment(
  vm: Machine,
  p: PromptFrame,
  k: Continuation<unknown>,
  gen: StepGenerator,
  value: unknown,
): void {
  let r: IteratorResult<unknown, unknown>
  try {
    r = gen.return(undefined)
  } catch (error) {
    closeFailed(
      vm,
      endedHandler(gen, p, k),
      new MarkerFrame(p.parent, AFTER_TRANSFER, value, k),
      error,
    )
    return
  }
  if (r.done) resumeTransferred(vm, k, p.parent, value)
  else
    closedThen(vm, endedHandler(gen, p, k), new MarkerFrame(p.parent, AFTER_TRANSFER, value, k), r)
}

/** The frame of a handler that has ended itself and is inside its `finally`. */
function endedHandler(gen: StepGenerator, p: PromptFrame, k: Continuation<unknown>): HandlerFrame {
  const h = new HandlerFrame(gen, p.parent, p, k)
  h.ended = true
  h.closing = FINISHING
  return h
}

/** A control value returned by a fast-path handler: always a tail control (docs/semantics.md §3). */
function fastControl(vm: Machine, p: PromptFrame, k: Continuation<unknown>, c: Control): void {
  if (vm.trace !== null) traceFastControl(vm, p, k, c)
  const op = c.op
  switch (op) {
    case OP_PASS:
    case OP_DELEGATE: // no handler code is left to receive an answer, so it passes
    case OP_CLOSE: // only a frame's yield closes a continuation: returned, it declines too
      continueDispatch(vm, k, p.prompt)
      return
    case OP_RESUME:
    case OP_TRANSFER:
    case OP_RESUME_THROW:
    case OP_TRANSFER_THROW:
      if (c.k === k && k.state === K_LIVE) {
        // The hot path: the prompt's links are untouched, so resuming is just re-pointing top.
        k.state = K_CONSUMED
        vm.top = k.top
        vm.value = c.value
        if (op === OP_RESUME || op === OP_TRANSFER) vm.mode = MODE_DELIVER
        else thrownByHandler(vm, k, op, c.value)
        return
      }
      break
    case OP_TRANSFER_ENRICH:
      break
    default:
      op satisfies never
  }
  const k1 = c.k as Continuation<unknown>
  const problem = continuationProblem(vm, k1)
  if (problem !== null) {
    handlerFailed(vm, k, p, problem)
    return
  }
  k1.state = K_CONSUMED
  if (k1 !== k) {
    reinstall(k1, p.parent)
    if (k.state === K_LIVE) noteHeld(vm, k)
  }
  if (op === OP_TRANSFER_ENRICH) enrichAt(vm, k1, c.value)
  else resumeWith(vm, k1, op, c.value)
}

/** A handler failed while it held `k` live: the error is raised at the perform site. */
function handlerFailed(
  vm: Machine,
  k: Continuation<unknown>,
  p: PromptFrame,
  error: unknown,
): void {
  if (k.state === K_LIVE) {
    k.state = K_CONSUMED
    noteVerdict(k, p, "threw")
    recordOrigin(error, k.top, { effect: k.effect, k, last: "threw" })
    throwAt(vm, k.top, error)
  } else throwAt(vm, p.parent, error)
}

/** No handler answered: built-in answers, else UnhandledEffectError at the perform site. */
function unhandled(
  vm: Machine,
  f: Frame,
  effect: Effect<unknown>,
  k: Continuation<unknown> | null,
): void {
  if (k !== null) k.state = K_CONSUMED
  if (answerUnhandled(vm, f, effect)) return
  // Every handler passed: say so explicitly (a delegated k would read as answered).
  if (k !== null) noteVerdict(k, k.bottom, "passed")
  vm.failedFrame = f
  const error = new UnhandledEffectError(effect, handlersInScope(f), frameName(f))
  recordOrigin(error, f, { effect, k, last: "passed" })
  throwAt(vm, f, error)
}

/**
 * Delegate: re-performs the effect from the handler's frame; outer handlers answer it
 * there. The delegated continuation is linked from the verdict, so a traceback lists the
 * outer handlers' verdicts after this one. No preemption here: it is the same dispatch.
 */
export function delegate(vm: Machine, f: Frame, h: HandlerFrame): void {
  const effect = h.k.effect
  const p = findHandler(f.prompt, effect)
  const next = p === null ? undefined : new Continuation(vm, f, p, effect)
  ;(h.k.trail ??= []).push({ via: h.via, verdict: "delegated", next })
  if (next === undefined) unhandled(vm, f, effect, null)
  else invoke(vm, p!, next)
}
