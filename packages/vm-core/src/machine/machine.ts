import type { Control } from "../control.js"
import { direct } from "../direct.js"
import type { Effect } from "../effect.js"
import { liveCapture } from "../errors/live-lines.js"
import { DEFAULT_MAX_DEPTH } from "../errors/recursion.js"
import { TAG_CONTROL, TAG_EFFECT, TAG_PROGRAM, tagOf } from "../instruction.js"
import type { Program } from "../program.js"
import type { StopError } from "../stop.js"
import type { Tracer } from "../trace/tracer.js"
import {
  abortFromHandler,
  badYield,
  leaveClosingFrame,
  recordCloseError,
  runMarker,
} from "./close.js"
import { type Continuation, K_LIVE } from "./continuation.js"
import { handleControl, perform, performPending, pushProgram } from "./dispatch.js"
import { startErrorDispatch } from "./error-dispatch.js"
import { throwFromFrame } from "./errors.js"
import {
  FINISHING,
  FRAME_HANDLER,
  FRAME_PROMPT,
  type Frame,
  type HandlerFrame,
  LIVE,
  MARKED,
} from "./frames.js"
import { closeHeldAtEnd } from "./held.js"
import type { JournalPort } from "./journal-port.js"
import {
  CLOSE,
  DISARMED,
  MODE_DELIVER,
  MODE_DISPATCH_ERROR,
  MODE_DONE,
  MODE_EXTERNAL,
  MODE_FAILED,
  MODE_HANDLE_YIELD,
  MODE_RETURN,
  MODE_THROW,
} from "./modes.js"
import { performHooked } from "./observers.js"

/** What the machine knows about a run: its stack, mode, and outcome. */
export class Machine {
  mode = MODE_HANDLE_YIELD
  /** The mode's payload: the value delivered, the error thrown, the yielded instruction. */
  value: unknown
  /** The innermost frame; `null` before the root program is pushed and after it ends. */
  top: Frame | null = null
  steps = 0
  result: unknown = undefined
  error: unknown = undefined
  /** Set while parked on an external promise; resolves when the machine can go on. */
  parked: Promise<void> | null = null
  /** The program frame whose error is being dispatched (tracebacks). */
  failedFrame: Frame | null = null
  /** True while a GetExecutionContext dispatch runs: no second one starts (§5 guard). */
  inErrorDispatch = false
  /** Set by the scheduler's cross-task throw: enrich again even an enriched error (§7). */
  forceEnrich = false
  /**
   * Step count from which the next perform or sub-program call is preceded by a preemption;
   * `DISARMED` (never reached) when no budget is set, so the check is one comparison.
   */
  preemptAt = DISARMED
  /** Frames deeper than this fail with RecursionError (the `maxDepth` run option). */
  maxDepth = DEFAULT_MAX_DEPTH
  /** Step count from which the next call measures the stack's depth (depth.ts). */
  depthCheckAt = 0
  /** The frame measured last and its depth: the next measure walks down to it, not further. */
  depthMark: Frame | null = null
  depthMarkValue = 0
  /** The event reporter of a traced run; null with `trace: "none"` (one check per perform). */
  trace: Tracer | null = null
  /** Set before the run (runOutcome): schedulers record their choices even without onChoices. */
  recordChoices = false
  /** The scheduler's recorded choice log (runOutcome reads it); null when not recording. */
  choiceLog: readonly number[] | null = null
  /** Set once a stop was requested: the run ends as stopped (stop.ts). */
  stopError: StopError | null = null
  /** A requested stop not yet delivered at a perform. */
  stopPending = false
  /** Wakes `parked` early (a stop while parked). */
  unpark: (() => void) | null = null
  /** The task the machine runs now, as a scheduler announced it (task-slot.ts). */
  taskSlot: object | null = null
  /** `captureStacks: "full"`: each frame keeps the line it is suspended at (tracebacks). */
  liveStacks = false
  /** Continuations handed over while live (held.ts): closed when the run ends. */
  held: Continuation<unknown>[] | null = null
  heldLimit = 1024
  /** The journal of a recorded, replayed or durable run (`@effvm/durable`); null otherwise. */
  journal: JournalPort | null = null
  /** Set once an `observe`/`intercept` region started: performs look for observers (observers.ts). */
  observed = false
  /**
   * True when a perform has more to do than dispatch (a trace, observers): the one check
   * the default path pays for both (`performHooked`, observers.ts).
   */
  hooked = false

  constructor(
    root: Program<unknown>,
    /** Under `run`: an external wait is an error instead of a park. */
    readonly sync: boolean,
  ) {
    this.value = root
  }
}

/**
 * The loop. Takes at most `limit` steps and returns the mode it stopped in. Everything
 * rare lives in helpers; what stays inline is the perform → resume → return cycle.
 */
export function advance(vm: Machine, limit: number): number {
  // A run started inside a handler of another run (interop can do that) must leave the
  // outer run's capture mode as it found it.
  const outer = liveCapture.machine
  liveCapture.machine = vm.liveStacks ? vm : null
  // A run nested in a handler answered in place (direct.ts) must leave the slot as it was.
  const outerVM = direct.vm
  const outerFrame = direct.frame
  const outerRoom = direct.room
  const outerUsed = direct.used
  direct.vm = vm
  direct.frame = null
  try {
    return loop(vm, limit)
  } finally {
    liveCapture.machine = outer
    direct.vm = outerVM
    direct.frame = outerFrame
    direct.room = outerRoom
    direct.used = outerUsed
  }
}

function loop(vm: Machine, limit: number): number {
  for (let n = 0; n < limit; n++) {
    const mode = vm.mode
    if (mode >= MODE_DONE) return mode
    vm.steps++
    switch (mode) {
      case MODE_DELIVER: {
        const f = vm.top!
        let r: IteratorResult<unknown, unknown>
        // Performs of f may be answered in place while it runs (direct.ts).
        direct.frame = f
        direct.room = limit - n - 1
        direct.used = 0
        try {
          r = f.gen!.next(vm.value)
        } catch (error) {
          direct.frame = null
          n += direct.used
          throwFromFrame(vm, f, error, false)
          break
        }
        direct.frame = null
        n += direct.used
        vm.mode = r.done ? MODE_RETURN : MODE_HANDLE_YIELD
        const y = (vm.value = r.value)
        if (!r.done) {
          // The HandleYield step of a perform begun in place was taken (and counted) there.
          if (direct.pendingK !== null) performPending(vm)
          // A perform is the next step: take it now when the limit allows one more step
          // (it is counted as one), without going round the switch.
          else if (!vm.hooked && n + 1 < limit && tagOf(y) === TAG_EFFECT) {
            n++
            vm.steps++
            perform(vm, f, y as Effect<unknown>)
          }
        }
        break
      }
      case MODE_HANDLE_YIELD: {
        const y = vm.value
        const tag = tagOf(y)
        if (tag === TAG_EFFECT) {
          if (vm.hooked) performHooked(vm, vm.top!, y as Effect<unknown>)
          else perform(vm, vm.top!, y as Effect<unknown>)
        } else if (tag === TAG_PROGRAM) pushProgram(vm, y as Program<unknown>)
        else if (tag === TAG_CONTROL) handleControl(vm, vm.top!, y as Control)
        else badYield(vm, y)
        break
      }
      case MODE_RETURN: {
        const f = vm.top!
        if (f.closing !== LIVE) {
          leaveClosingFrame(vm, f)
          break
        }
        if (f.kind === FRAME_HANDLER && (f as HandlerFrame).k.state === K_LIVE) {
          abortFromHandler(vm, f as HandlerFrame, vm.value)
          break
        }
        const parent = f.parent
        if (parent === null) {
          finish(vm, vm.value)
          break
        }
        vm.top = parent
        if (parent.kind === FRAME_PROMPT) break // the prompt completes with the same value
        if (parent.closing === MARKED) {
          vm.mode = MODE_THROW
          vm.value = CLOSE
        } else vm.mode = MODE_DELIVER
        break
      }
      case MODE_THROW: {
        const f = vm.top
        if (f === null) {
          fail(vm, vm.value)
          break
        }
        throwInto(vm, f)
        break
      }
      case MODE_DISPATCH_ERROR:
        startErrorDispatch(vm)
        break
    }
  }
  return vm.mode >= MODE_DONE ? vm.mode : -1
}

/** Throws the current payload into `f`, or closes it when the payload is CLOSE. */
function throwInto(vm: Machine, f: Frame): void {
  let e = vm.value
  if (f.gen === null) {
    if (f.kind === FRAME_PROMPT) {
      vm.top = f.parent
      if (vm.top === null && e === CLOSE) finish(vm, undefined)
      return
    }
    runMarker(vm, f, e)
    return
  }
  if (f.closing === MARKED && e !== CLOSE) {
    // A frame waiting to be closed never resumes, not even to see an error.
    recordCloseError(f, e)
    e = vm.value = CLOSE
  }
  let r: IteratorResult<unknown, unknown>
  try {
    if (e === CLOSE) {
      f.closing = FINISHING
      r = f.gen.return(undefined)
    } else r = f.gen.throw(e)
  } catch (error) {
    throwFromFrame(vm, f, error, error === e)
    return
  }
  vm.mode = r.done ? MODE_RETURN : MODE_HANDLE_YIELD
  vm.value = r.value
}

export function finish(vm: Machine, value: unknown): void {
  if (vm.held !== null && closeHeldAtEnd(vm, true, value)) return
  vm.top = null
  vm.result = value
  vm.mode = MODE_DONE
}

export function fail(vm: Machine, error: unknown): void {
  if (vm.held !== null && closeHeldAtEnd(vm, false, error)) return
  vm.top = null
  vm.error = error
  vm.mode = MODE_FAILED
}

export { MODE_DISPATCH_ERROR, MODE_EXTERNAL }
