import { describeValue } from "../effect.js"
import { settle } from "../errors/context.js"
import { moveOriginToPerformSite } from "../errors/origin.js"
import { K_CONSUMED, K_LIVE, noteVerdict } from "./continuation.js"
import { FRAME_ERROR_SITE, FRAME_HANDLER, type Frame, type HandlerFrame, LIVE } from "./frames.js"
import { MODE_DISPATCH_ERROR, MODE_THROW } from "./modes.js"
import { frameName } from "./naming.js"
import type { Machine } from "./state.js"
import { leaveClosingFrame, recordCloseError, throwAt } from "./transitions.js"

/** Errors raised at a frame: the ones its generator throws, and a yield that is no instruction. */

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
      k.state = K_CONSUMED
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
