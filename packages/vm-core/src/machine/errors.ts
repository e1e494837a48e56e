import { settle } from "../errors/context.js"
import { moveOriginToPerformSite } from "../errors/origin.js"
import { leaveClosingFrame, recordCloseError } from "./close.js"
import { K_LIVE, K_RESUMED } from "./continuation.js"
import { noteVerdict } from "./dispatch.js"
import { FRAME_ERROR_SITE, FRAME_HANDLER, type Frame, type HandlerFrame, LIVE } from "./frames.js"
import type { Machine } from "./machine.js"
import { MODE_DISPATCH_ERROR, MODE_THROW } from "./modes.js"

/**
 * A frame's generator threw `error` (it is finished now). `rethrown` is true when the
 * error is the very one the machine threw into it: the frame let it pass, it did not raise
 * anything new, so it is not a new origin for enrichment.
 */
export function throwFromFrame(vm: Machine, f: Frame, error: unknown, rethrown: boolean): void {
  if (f.closing !== LIVE) {
    recordCloseError(f, error)
    leaveClosingFrame(vm, f)
    return
  }
  if (f.kind === FRAME_HANDLER) {
    const k = (f as HandlerFrame).k
    if (k.state === K_LIVE) {
      // A handler that fails before consuming k fails at the perform site (docs/semantics.md §3).
      k.state = K_RESUMED
      noteVerdict(k, (f as HandlerFrame).via, "threw")
      settle(error)
      moveOriginToPerformSite(error, f, k)
      vm.top = k.top
    } else vm.top = f.parent
    vm.mode = MODE_THROW
    vm.value = error
    return
  }
  vm.top = f.parent
  if (rethrown || f.kind === FRAME_ERROR_SITE) {
    vm.mode = MODE_THROW
    vm.value = error
    return
  }
  vm.failedFrame = f
  vm.mode = MODE_DISPATCH_ERROR
  vm.value = error
}
