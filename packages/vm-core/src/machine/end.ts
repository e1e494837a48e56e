import { FRAME_PROMPT, type Frame, MARKED } from "./frames.js"
import { closeHeldAtEnd } from "./held.js"
import { CLOSE, MODE_DELIVER, MODE_DONE, MODE_FAILED, MODE_RETURN, MODE_THROW } from "./modes.js"
import type { Machine } from "./state.js"

/**
 * How a run ends, and how a value completes whatever runs on a frame (which ends the run
 * when no frame is left). A run that ends with continuations still held closes them first
 * (held.ts).
 */

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

/** The run ends with `value` (once the continuations still held are closed). */
export function finish(vm: Machine, value: unknown): void {
  if (vm.held !== null && closeHeldAtEnd(vm, true, value)) return
  vm.top = null
  vm.result = value
  vm.mode = MODE_DONE
}

/** The run fails with `error` (once the continuations still held are closed). */
export function fail(vm: Machine, error: unknown): void {
  if (vm.held !== null && closeHeldAtEnd(vm, false, error)) return
  vm.top = null
  vm.error = error
  vm.mode = MODE_FAILED
}
