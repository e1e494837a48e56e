import type { Control } from "../control.js"
import { direct } from "../direct.js"
import type { Effect } from "../effect.js"
import { liveCapture } from "../errors/live-lines.js"
import { TAG_CONTROL, TAG_EFFECT, TAG_PROGRAM, type Tagged } from "../instruction.js"
import type { Program } from "../program.js"
import { pushProgram } from "./call.js"
import { abortFromHandler, runMarker } from "./close.js"
import { K_LIVE } from "./continuation.js"
import { handleControl } from "./controls.js"
import { fail, finish } from "./end.js"
import { startErrorDispatch } from "./error-dispatch.js"
import { badYield, throwFromFrame } from "./errors.js"
import {
  FINISHING,
  FRAME_HANDLER,
  FRAME_PROMPT,
  type Frame,
  type HandlerFrame,
  LIVE,
  MARKED,
} from "./frames.js"
import {
  CLOSE,
  MODE_DELIVER,
  MODE_DISPATCH_ERROR,
  MODE_DONE,
  MODE_EXTERNAL,
  MODE_FAILED,
  MODE_HANDLE_YIELD,
  MODE_RETURN,
  MODE_THROW,
  STEPS_LEFT_OVER,
  type StopMode,
} from "./modes.js"
import { performHooked } from "./observers.js"
import { perform, performPending } from "./perform.js"
import type { Machine } from "./state.js"
import { leaveClosingFrame, recordCloseError } from "./transitions.js"

/**
 * The loop. Takes at most `limit` steps and returns the mode it stopped in. Everything
 * rare lives in helpers; what stays inline is the perform → resume → return cycle.
 */
export function advance(vm: Machine, limit: number): StopMode | typeof STEPS_LEFT_OVER {
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

function loop(vm: Machine, limit: number): StopMode | typeof STEPS_LEFT_OVER {
  for (let n = 0; n < limit; n++) {
    const mode = vm.mode
    switch (mode) {
      case MODE_DELIVER: {
        vm.steps++
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
          else if (!vm.hooked && n + 1 < limit && (y as Tagged)?.effvmTag === TAG_EFFECT) {
            n++
            vm.steps++
            perform(vm, f, y as Effect<unknown>)
          }
        }
        break
      }
      case MODE_HANDLE_YIELD: {
        vm.steps++
        const y = vm.value
        const tag = (y as Tagged)?.effvmTag
        if (tag === TAG_EFFECT) {
          if (vm.hooked) performHooked(vm, vm.top!, y as Effect<unknown>)
          else perform(vm, vm.top!, y as Effect<unknown>)
        } else if (tag === TAG_PROGRAM) pushProgram(vm, y as Program<unknown>)
        else if (tag === TAG_CONTROL) handleControl(vm, vm.top!, y as Control)
        else badYield(vm, y)
        break
      }
      case MODE_RETURN: {
        vm.steps++
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
        vm.steps++
        const f = vm.top
        if (f === null) {
          fail(vm, vm.value)
          break
        }
        throwInto(vm, f)
        break
      }
      case MODE_DISPATCH_ERROR:
        vm.steps++
        startErrorDispatch(vm)
        break
      case MODE_DONE:
      case MODE_FAILED:
      case MODE_EXTERNAL:
        return mode
      default:
        mode satisfies never
    }
  }
  const mode = vm.mode
  return mode === MODE_DONE || mode === MODE_FAILED || mode === MODE_EXTERNAL
    ? mode
    : STEPS_LEFT_OVER
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
