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
  PASS_CONTROL,
} from "../control.js"
import {
  direct,
  PENDING_CLOSE_THREW,
  PENDING_CLOSING,
  PENDING_RESULT,
  PENDING_SEGMENT,
  PENDING_SEGMENT_THREW,
  PENDING_THREW,
} from "../direct.js"
import type { Effect } from "../effect.js"
import { UnhandledEffectError } from "../errors/errors.js"
import { recordOrigin } from "../errors/origin.js"
import { TAG_CONTROL, type Tagged } from "../instruction.js"
import { traceFastControl } from "../trace/hooks.js"
import { answerUnhandled, preemptBefore } from "./builtin-effects.js"
import { continuationProblem } from "./claim.js"
import { abortFromFastPath, closedThen, closeFailed } from "./close.js"
import { Continuation, K_CONSUMED, K_LIVE, noteVerdict } from "./continuation.js"
import { throwFromFrame } from "./errors.js"
import {
  AFTER_TRANSFER,
  currentLookupEpoch,
  FINISHING,
  FRAME_HANDLER,
  FRAME_PREEMPT,
  type Frame,
  HandlerFrame,
  isGenerator,
  LIVE,
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

/**
 * Calls the handler of prompt `p` with `k` and acts on what it returns. A fast-path handler
 * that declines (`Pass()`) in an untraced run is followed here by the next handler out, so
 * a chain of declining handlers is a loop, not a recursion through `continueDispatch`.
 */
function invoke(vm: Machine, p: PromptFrame, k: Continuation<unknown>): void {
  let r: unknown
  try {
    r = p.handler.fn(k.effect, k)
  } catch (error) {
    handlerFailed(vm, k, p, error)
    return
  }
  handled(vm, p, k, r)
}

/** Acts on `r`, what the handler of prompt `p` returned for `k`. */
function handled(vm: Machine, p: PromptFrame, k: Continuation<unknown>, r: unknown): void {
  for (;;) {
    if ((r as Tagged)?.effvmTag === TAG_CONTROL) {
      const op = (r as Control).op
      if (op >= OP_PASS && op !== OP_TRANSFER_ENRICH && vm.trace === null) {
        const next = findHandler(p.prompt, k.effect)
        if (next === null) {
          unhandled(vm, k.top, k.effect, k)
          return
        }
        k.bottom = p = next
        try {
          r = p.handler.fn(k.effect, k)
        } catch (error) {
          handlerFailed(vm, k, p, error)
          return
        }
        continue
      }
      fastControl(vm, p, k, r as Control)
      return
    }
    if (isGenerator(r)) {
      startHandler(vm, p, k, r)
      return
    }
    abortFromFastPath(vm, k, r)
    return
  }
}

/**
 * Answers `effect`, performed by the frame the machine is stepping, in place (direct.ts):
 * when a fast-path handler resumes or transfers its own `k` (after any `Pass()`es), the
 * frame's `yield*` evaluates to the answer without suspending, and the two steps the
 * machine would have taken are counted. Declines (false) before calling any handler when
 * the perform needs the machine (hooks, a preemption due, no room left in the step limit,
 * an error dispatch, no handler); after calling one whose answer is not in place, it keeps
 * what the handler did for the HandleYield step (`performPending`) and returns false.
 */
function performInPlace(effect: object): boolean {
  const vm = direct.vm as Machine
  const f = direct.frame!
  if (
    vm.hooked ||
    f.kind > FRAME_HANDLER ||
    f.closing !== LIVE ||
    vm.steps + 1 >= vm.preemptAt ||
    direct.used + 2 > direct.room ||
    vm.inErrorDispatch ||
    (effect as { effvmStepped?: boolean }).effvmStepped === true
  )
    return false
  const e = effect as Effect<unknown>
  const first = findHandler(f.prompt, e)
  if (first === null) return false
  let p: PromptFrame = first
  vm.steps++
  direct.used++
  const k = new Continuation(vm, f, p, e)
  // The handler's own code performs nothing in place.
  direct.frame = null
  const cls = e.constructor
  let r: unknown
  for (;;) {
    try {
      r = p.handler.fn(e, k)
    } catch (error) {
      keepPending(PENDING_THREW, p, k, error)
      return false
    }
    if (r === PASS_CONTROL) {
      // Declined (C8: a chain of handlers that pass): the next one out, from the lookup
      // cache of the prompt outside when it holds this class.
      const start: PromptFrame | null = p.prompt
      const next: PromptFrame | null =
        start !== null && start.cacheClass === cls && start.cacheEpoch === currentLookupEpoch()
          ? start.cacheTarget
          : findHandler(start, e)
      if (next === null) break
      k.bottom = p = next
      continue
    }
    if ((r as Tagged)?.effvmTag !== TAG_CONTROL) break
    const c = r as Control
    const op = c.op
    if ((op === OP_RESUME || op === OP_TRANSFER) && c.k === k && k.state === K_LIVE) {
      k.state = K_CONSUMED
      vm.steps++
      direct.used++
      direct.answer = c.value
      direct.frame = f
      return true
    }
    if (op < OP_PASS || op === OP_TRANSFER_ENRICH) break
    const next = findHandler(p.prompt, e)
    if (next === null) break
    k.bottom = p = next
  }
  if (vm.liveStacks || !isGenerator(r)) keepPending(PENDING_RESULT, p, k, r)
  else if (handlerInPlace(vm, p, k, r)) {
    direct.frame = f
    return true
  }
  return false
}
direct.perform = performInPlace

/**
 * A generator handler called in place: its first segment runs here (as `startHandler` runs
 * it). When it ends with `Transfer` of its own `k` and its `return()` completes at once,
 * the answer is in place (true); otherwise what happened is kept for the HandleYield step.
 */
function handlerInPlace(
  vm: Machine,
  p: PromptFrame,
  k: Continuation<unknown>,
  gen: StepGenerator,
): boolean {
  let r: IteratorResult<unknown, unknown>
  try {
    r = gen.next(undefined)
  } catch (error) {
    keepPending(PENDING_SEGMENT_THREW, p, k, error, gen)
    return false
  }
  const c = r.value as Control
  if (
    !r.done &&
    (c as Tagged)?.effvmTag === TAG_CONTROL &&
    c.op === OP_RESUME &&
    c.k === k &&
    k.state === K_LIVE
  ) {
    // A non-tail resume of its own k (C7): the handler's frame waits below k, reinstalled
    // on it, and the performer goes on with the value (as `segmentEnded` does).
    k.state = K_CONSUMED
    reinstall(k, new HandlerFrame(gen, p.parent, p, k))
    vm.steps++
    direct.used++
    direct.answer = c.value
    return true
  }
  if (
    r.done ||
    (c as Tagged)?.effvmTag !== TAG_CONTROL ||
    c.op !== OP_TRANSFER ||
    c.k !== k ||
    k.state !== K_LIVE
  ) {
    // The result object is shared (instruction.ts): keep what it says, not it.
    keepPending(PENDING_SEGMENT, p, k, r.value, gen, undefined, r.done === true)
    return false
  }
  k.state = K_CONSUMED
  const value = c.value
  let closed: IteratorResult<unknown, unknown>
  try {
    closed = gen.return(undefined)
  } catch (error) {
    keepPending(PENDING_CLOSE_THREW, p, k, error, gen, value)
    return false
  }
  if (!closed.done) {
    keepPending(PENDING_CLOSING, p, k, closed.value, gen, value)
    return false
  }
  reinstall(k, p.parent)
  vm.steps++
  direct.used++
  direct.answer = value
  return true
}

function keepPending(
  kind: number,
  p: PromptFrame,
  k: Continuation<unknown>,
  r: unknown,
  gen: StepGenerator | null = null,
  value: unknown = undefined,
  done = false,
): void {
  direct.pendingKind = kind
  direct.pendingDone = done
  direct.pendingPrompt = p
  direct.pendingK = k
  direct.pendingResult = r
  direct.pendingGen = gen
  direct.pendingValue = value
}

/** The HandleYield step of a perform begun in place: acts on what its handler did. */
export function performPending(vm: Machine): void {
  const kind = direct.pendingKind
  const p = direct.pendingPrompt as PromptFrame
  const k = direct.pendingK as Continuation<unknown>
  const r = direct.pendingResult
  const gen = direct.pendingGen!
  const value = direct.pendingValue
  direct.pendingPrompt = null
  direct.pendingK = null
  direct.pendingResult = undefined
  direct.pendingGen = null
  direct.pendingValue = undefined
  switch (kind) {
    case PENDING_RESULT:
      handled(vm, p, k, r)
      return
    case PENDING_THREW:
      handlerFailed(vm, k, p, r)
      return
    case PENDING_SEGMENT:
      segmentEnded(vm, p, k, gen, direct.pendingDone, r)
      return
    case PENDING_SEGMENT_THREW:
      throwFromFrame(vm, new HandlerFrame(gen, p.parent, p, k), r, false)
      return
    case PENDING_CLOSE_THREW:
      closeFailed(
        vm,
        endedHandler(gen, p, k),
        new MarkerFrame(p.parent, AFTER_TRANSFER, value, k),
        r,
      )
      return
    default:
      closedThen(vm, endedHandler(gen, p, k), new MarkerFrame(p.parent, AFTER_TRANSFER, value, k), {
        done: false,
        value: r,
      })
  }
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
  segmentEnded(vm, p, k, gen, r.done === true, r.value)
}

/** A generator handler's first segment ended: it returned (`done`) or yielded `value`. */
function segmentEnded(
  vm: Machine,
  p: PromptFrame,
  k: Continuation<unknown>,
  gen: StepGenerator,
  done: boolean,
  value: unknown,
): void {
  const c = value as Control
  if (!done && (c as Tagged)?.effvmTag === TAG_CONTROL && c.k === k && k.state === K_LIVE) {
    if (c.op === OP_TRANSFER) {
      k.state = K_CONSUMED
      transferFromFirstSegment(vm, p, k, gen, c.value)
      return
    }
    if (c.op === OP_RESUME) {
      // A non-tail resume of its own k (C7): the frame is made and k reinstalled on it
      // here, as the HandleYield step of the Resume would have done.
      k.state = K_CONSUMED
      const h = new HandlerFrame(gen, p.parent, p, k)
      reinstall(k, h)
      vm.top = k.top
      vm.value = c.value
      vm.mode = MODE_DELIVER
      return
    }
  }
  vm.top = new HandlerFrame(gen, p.parent, p, k)
  vm.mode = done ? MODE_RETURN : MODE_HANDLE_YIELD
  vm.value = value
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
