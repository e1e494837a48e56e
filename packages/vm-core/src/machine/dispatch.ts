import {
  type Control,
  OP_CLOSE,
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
import { describeEffect, describeValue, type Effect } from "../effect.js"
import { settle } from "../errors/context.js"
import { ContinuationError, UnhandledEffectError } from "../errors/errors.js"
import { recordCrossing, recordOrigin } from "../errors/origin.js"
import { RecursionError } from "../errors/recursion.js"
import { TAG_CONTROL, tagOf } from "../instruction.js"
import { PROGRAM_PURE, PROGRAM_WITH_HANDLER, type Program } from "../program.js"
import { traceFastControl, traceHandlerControl } from "../trace/hooks.js"
import { answerUnhandled, Preempt } from "./builtin-effects.js"
import {
  abortFromFastPath,
  closedThen,
  closeFailed,
  completeWith,
  endHandlerThen,
  resumeTransferred,
  throwAt,
} from "./close.js"
import { closeHeld } from "./close-request.js"
import { Continuation, type HandlerVerdict, K_LIVE, K_RESUMED } from "./continuation.js"
import { overDepth } from "./depth.js"
import { throwFromFrame } from "./errors.js"
import {
  AFTER_PASS,
  AFTER_TRANSFER,
  AFTER_TRANSFER_ENRICH,
  AFTER_TRANSFER_THROW,
  bumpLookupEpoch,
  currentLookupEpoch,
  FINISHING,
  FRAME_HANDLER,
  FRAME_PREEMPT,
  FRAME_PROGRAM,
  Frame,
  HandlerFrame,
  keptArgs,
  LIVE,
  MarkerFrame,
  PromptFrame,
  promptOf,
  type StepGenerator,
} from "./frames.js"
import { noteHeld } from "./held.js"
import { findHandler } from "./lookup.js"
import type { Machine } from "./machine.js"
import {
  DISARMED,
  MODE_DELIVER,
  MODE_DISPATCH_ERROR,
  MODE_HANDLE_YIELD,
  MODE_RETURN,
  MODE_THROW,
} from "./modes.js"

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
    if (tagOf(r) === TAG_CONTROL) {
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
    if (tagOf(r) !== TAG_CONTROL) break
    const c = r as Control
    const op = c.op
    if ((op === OP_RESUME || op === OP_TRANSFER) && c.k === k && k.state === K_LIVE) {
      k.state = K_RESUMED
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
    tagOf(c) === TAG_CONTROL &&
    c.op === OP_RESUME &&
    c.k === k &&
    k.state === K_LIVE
  ) {
    // A non-tail resume of its own k (C7): the handler's frame waits below k, reinstalled
    // on it, and the performer goes on with the value (as `segmentEnded` does).
    k.state = K_RESUMED
    reinstall(k, new HandlerFrame(gen, p.parent, p, k))
    vm.steps++
    direct.used++
    direct.answer = c.value
    return true
  }
  if (
    r.done ||
    tagOf(c) !== TAG_CONTROL ||
    c.op !== OP_TRANSFER ||
    c.k !== k ||
    k.state !== K_LIVE
  ) {
    // The result object is shared (instruction.ts): keep what it says, not it.
    keepPending(PENDING_SEGMENT, p, k, r.value, gen, undefined, r.done === true)
    return false
  }
  k.state = K_RESUMED
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
  if (!done && tagOf(c) === TAG_CONTROL && c.k === k && k.state === K_LIVE) {
    if (c.op === OP_TRANSFER) {
      k.state = K_RESUMED
      transferFromFirstSegment(vm, p, k, gen, c.value)
      return
    }
    if (c.op === OP_RESUME) {
      // A non-tail resume of its own k (C7): the frame is made and k reinstalled on it
      // here, as the HandleYield step of the Resume would have done.
      k.state = K_RESUMED
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

function isGenerator(r: unknown): r is Generator<unknown, unknown, unknown> {
  return (
    typeof r === "object" &&
    r !== null &&
    typeof (r as Generator).next === "function" &&
    typeof (r as Generator).throw === "function"
  )
}

/** A control value returned by a fast-path handler: always a tail control (docs/semantics.md §3). */
function fastControl(vm: Machine, p: PromptFrame, k: Continuation<unknown>, c: Control): void {
  if (vm.trace !== null) traceFastControl(vm, p, k, c)
  const op = c.op
  if (op >= OP_PASS && op !== OP_TRANSFER_ENRICH) {
    // Pass, and Delegate (no handler code is left to receive an answer, so it passes).
    continueDispatch(vm, k, p.prompt)
    return
  }
  const k1 = c.k as Continuation<unknown>
  if (k1 === k && k.state === K_LIVE && op !== OP_TRANSFER_ENRICH) {
    // The hot path: the prompt's links are untouched, so resuming is just re-pointing top.
    k.state = K_RESUMED
    vm.top = k.top
    vm.value = c.value
    if (op === OP_RESUME || op === OP_TRANSFER) vm.mode = MODE_DELIVER
    else thrownByHandler(vm, k, op, c.value)
    return
  }
  const problem = continuationProblem(vm, k1)
  if (problem !== null) {
    handlerFailed(vm, k, p, problem)
    return
  }
  k1.state = K_RESUMED
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
    k.state = K_RESUMED
    noteVerdict(k, p, "threw")
    recordOrigin(error, k.top, { effect: k.effect, k, last: "threw" })
    throwAt(vm, k.top, error)
  } else throwAt(vm, p.parent, error)
}

/** A control value yielded by frame `f` (a generator handler or a program it called). */
export function handleControl(vm: Machine, f: Frame, c: Control): void {
  const op = c.op
  if (op === OP_CLOSE) {
    closeHeld(vm, f, c.k)
    return
  }
  if (vm.trace !== null) traceHandlerControl(vm, f, c)
  if (op === OP_RESUME || op === OP_RESUME_THROW) {
    const k1 = claim(vm, f, c.k)
    if (k1 === null) return
    reinstall(k1, f)
    resumeWith(vm, k1, op, c.value)
    return
  }
  const h = enclosingHandler(f)
  if (h === null) {
    const name = ["Resume", "Transfer", "ResumeThrow", "TransferThrow", "Pass", "Delegate"][op]
    throwAt(vm, f, new TypeError(`${name}() yielded outside a handler, in ${frameName(f)}.`))
    return
  }
  if (op === OP_TRANSFER_ENRICH) {
    const k1 = claim(vm, f, c.k)
    if (k1 === null) return
    if (k1 !== h.k && h.k.state === K_LIVE) noteHeld(vm, h.k)
    endHandlerThen(vm, f, h, AFTER_TRANSFER_ENRICH, c.value, k1)
    return
  }
  if (op === OP_TRANSFER || op === OP_TRANSFER_THROW) {
    if (op === OP_TRANSFER_THROW) settle(c.value)
    const k1 = claim(vm, f, c.k)
    if (k1 === null) return
    if (k1 !== h.k && h.k.state === K_LIVE) noteHeld(vm, h.k)
    const after = op === OP_TRANSFER ? AFTER_TRANSFER : AFTER_TRANSFER_THROW
    endHandlerThen(vm, f, h, after, c.value, k1)
    return
  }
  if (op === OP_PASS) {
    if (h.k.state !== K_LIVE) {
      throwAt(
        vm,
        f,
        new ContinuationError(
          `Pass() in handler ${h.via.handler.name} after its continuation was ${stateWord(h.k)}: only a handler that still holds k can pass it on.`,
        ),
      )
      return
    }
    endHandlerThen(vm, f, h, AFTER_PASS, undefined, h.k)
    return
  }
  delegate(vm, f, h)
}

/**
 * Delegate: re-performs the effect from the handler's frame; outer handlers answer it
 * there. The delegated continuation is linked from the verdict, so a traceback lists the
 * outer handlers' verdicts after this one. No preemption here: it is the same dispatch.
 */
function delegate(vm: Machine, f: Frame, h: HandlerFrame): void {
  const effect = h.k.effect
  const p = findHandler(f.prompt, effect)
  const next = p === null ? undefined : new Continuation(vm, f, p, effect)
  ;(h.k.trail ??= []).push({ via: h.via, verdict: "delegated", next })
  if (next === undefined) unhandled(vm, f, effect, null)
  else invoke(vm, p!, next)
}

/** Continues `k` (already reinstalled) with a value, or with a handler's throw. */
function resumeWith(vm: Machine, k: Continuation<unknown>, op: number, value: unknown): void {
  vm.top = k.top
  vm.value = value
  if (op === OP_RESUME || op === OP_TRANSFER) vm.mode = MODE_DELIVER
  else thrownByHandler(vm, k, op, value)
}

/** ResumeThrow/TransferThrow errors are raised at the perform site and never enriched (§5). */
function thrownByHandler(vm: Machine, k: Continuation<unknown>, op: number, error: unknown): void {
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

/**
 * The step budget is spent: perform the preemption effect first, then `next` (the effect
 * `f` performs, or the sub-program it calls). A small frame on top of `f` does both, so
 * the answer still lands in `f`.
 */
function preemptBefore(vm: Machine, f: Frame, next: Effect<unknown> | Program<unknown>): void {
  vm.preemptAt = DISARMED
  vm.top = new Frame(FRAME_PREEMPT, preemptThen(next), f, promptOf(f), null, undefined)
  vm.mode = MODE_DELIVER
  vm.value = undefined
}

function* preemptThen(
  next: Effect<unknown> | Program<unknown>,
): Generator<unknown, unknown, unknown> {
  yield* new Preempt()
  return yield* next
}

/** The nearest generator handler frame at or below `f`. */
function enclosingHandler(f: Frame): HandlerFrame | null {
  for (let g: Frame | null = f; g !== null; g = g.parent) {
    if (g.kind === FRAME_HANDLER) return g as HandlerFrame
  }
  return null
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

/** Takes `k` for a resume or transfer by frame `f`; null (thrown at `f`) when it cannot be. */
function claim(vm: Machine, f: Frame, k: unknown): Continuation<unknown> | null {
  const problem = continuationProblem(vm, k)
  if (problem !== null) {
    throwAt(vm, f, problem)
    return null
  }
  const taken = k as Continuation<unknown>
  taken.state = K_RESUMED
  return taken
}

/** What is wrong with resuming `k` here, or null. */
export function continuationProblem(vm: Machine, k: unknown): ContinuationError | null {
  if (!(k instanceof Continuation)) {
    return new ContinuationError(
      `Resume/Transfer needs the continuation k a handler received, got ${describeValue(k)}.`,
    )
  }
  if (k.owner !== vm) {
    return new ContinuationError(
      `The continuation of ${describeEffect(k.effect)} belongs to another run: a continuation can only be resumed by the machine that captured it.`,
    )
  }
  if (k.state !== K_LIVE) {
    return new ContinuationError(
      `The continuation of ${describeEffect(k.effect)} was ${stateWord(k)}: continuations are one-shot.`,
    )
  }
  return null
}

function stateWord(k: Continuation<unknown>): string {
  return k.state === K_RESUMED
    ? "already resumed"
    : "abandoned (its handler returned without resuming it)"
}

/**
 * Starts program `prog` on top of the current frame. Step budgets (fairness, stop,
 * watchdog) are checked here too, so a loop of sub-program calls that performs nothing is
 * still preempted (one comparison while no budget is spent); so is `maxDepth`.
 */
export function pushProgram(vm: Machine, prog: Program<unknown>): void {
  const parent = vm.top
  if (vm.steps >= vm.preemptAt && parent !== null && budgetCheckable(vm, parent)) {
    preemptBefore(vm, parent, prog)
    return
  }
  if (vm.steps >= vm.depthCheckAt && parent !== null && overDepth(vm, parent)) {
    tooDeep(vm, parent, prog)
    return
  }
  if (prog.kind === PROGRAM_WITH_HANDLER) {
    vm.top = new PromptFrame(prog.handler!, parent, promptOf(parent))
    vm.value = prog.inner
    return // mode stays HandleYield: the next step starts the body under the new prompt
  }
  if (prog.kind === PROGRAM_PURE) {
    completeWith(vm, parent, prog.body)
    return
  }
  let gen: Generator<unknown, unknown, unknown>
  try {
    gen = prog.start()
  } catch (error) {
    // Construction is user code: its errors are dispatched like a frame's (docs/semantics.md §5).
    vm.failedFrame = new Frame(
      FRAME_PROGRAM,
      null,
      parent,
      promptOf(parent),
      prog.def,
      keptArgs(prog.args),
    )
    vm.mode = MODE_DISPATCH_ERROR
    vm.value = error
    return
  }
  if (!isGenerator(gen)) {
    throwAt(
      vm,
      parent,
      new TypeError(
        `Program ${prog.name} did not start a generator: its body returned ${describeValue(gen)}. fn() and program() take generator functions (function* ...).`,
      ),
    )
    return
  }
  vm.top = new Frame(FRAME_PROGRAM, gen, parent, promptOf(parent), prog.def, keptArgs(prog.args))
  vm.mode = MODE_DELIVER
  vm.value = undefined
}

/** Whether a preemption may stand before what `f` does next (not its own stand-in's). */
function budgetCheckable(vm: Machine, f: Frame): boolean {
  return f.kind !== FRAME_PREEMPT && !vm.inErrorDispatch
}

/** `prog` would stand deeper than `maxDepth`: RecursionError where it was called. */
function tooDeep(vm: Machine, parent: Frame, prog: Program<unknown>): void {
  const site = prog.def?.site
  const where = site ? `${prog.name} (${site})` : prog.name
  throwAt(vm, parent, new RecursionError(vm.depthMarkValue + 1, vm.maxDepth, where))
}

/** No handler answered: built-in answers, else UnhandledEffectError at the perform site. */
function unhandled(
  vm: Machine,
  f: Frame,
  effect: Effect<unknown>,
  k: Continuation<unknown> | null,
): void {
  if (k !== null) k.state = K_RESUMED
  if (answerUnhandled(vm, f, effect)) return
  // Every handler passed: say so explicitly (a delegated k would read as answered).
  if (k !== null) noteVerdict(k, k.bottom, "passed")
  vm.failedFrame = f
  const error = new UnhandledEffectError(effect, handlersInScope(f), frameName(f))
  recordOrigin(error, f, { effect, k, last: "passed" })
  throwAt(vm, f, error)
}

/** Names of the handlers visible from `f`, innermost first. */
export function handlersInScope(f: Frame | null): string[] {
  const names: string[] = []
  for (let p = promptOf(f); p !== null; p = p.prompt) if (!p.disabled) names.push(p.handler.name)
  return names
}

/** How messages name a frame: `walk (src/app.ts:12)` or `handler cache`. */
export function frameName(f: Frame | null): string {
  if (f === null) return "the root"
  if (f.kind === FRAME_HANDLER) return `handler ${(f as HandlerFrame).via.handler.name}`
  if (f.def !== null) {
    const site = f.def.site
    return site ? `${f.def.name} (${site})` : f.def.name
  }
  return "a handler boundary"
}

/**
 * Records an unusual verdict on `k` for tracebacks. Passes and the last handler's verdict
 * are derived when a traceback is built, so the success path records nothing.
 */
export function noteVerdict(
  k: Continuation<unknown>,
  p: PromptFrame | null,
  verdict: HandlerVerdict["verdict"],
): void {
  if (p === null) return
  ;(k.trail ??= []).push({ via: p, verdict })
}

export { MODE_HANDLE_YIELD }
