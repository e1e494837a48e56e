import type { Effect } from "../effect.js"
import { AwaitExternal } from "../external.js"
import { throwAt } from "./close.js"
import type { Frame } from "./frames.js"
import type { Machine } from "./machine.js"
import { MODE_DELIVER, MODE_EXTERNAL, MODE_THROW } from "./modes.js"

/**
 * Effects the machine answers itself when no handler does. Returns false for an effect
 * that is really unhandled.
 */
export function answerUnhandled(vm: Machine, f: Frame, effect: Effect<unknown>): boolean {
  if (effect instanceof AwaitExternal) {
    if (vm.sync) {
      // Observe the promise so its rejection is not reported as unhandled.
      Promise.resolve(effect.promise).catch(() => {})
      throwAt(
        vm,
        f,
        new Error(
          "The program waits on an external promise (awaitExternal), but run() is synchronous. Use runAsync() to run programs that wait on promises.",
        ),
      )
    } else park(vm, f, effect.promise)
    return true
  }
  return false
}

/** Parks the machine until `promise` settles, then resumes `f` with the outcome. */
function park(vm: Machine, f: Frame, promise: PromiseLike<unknown>): void {
  vm.top = f
  vm.mode = MODE_EXTERNAL
  vm.parked = Promise.resolve(promise).then(
    (value) => {
      vm.parked = null
      vm.mode = MODE_DELIVER
      vm.value = value
    },
    (error: unknown) => {
      vm.parked = null
      vm.mode = MODE_THROW
      vm.value = error
    },
  )
}
