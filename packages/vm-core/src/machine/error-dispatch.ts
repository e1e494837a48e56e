import {
  ExecutionContext,
  GetExecutionContext,
  getExecutionContext,
  isSettled,
  settle,
} from "../errors/context.js"
import { Interrupt } from "../errors/errors.js"
import { recordOrigin, recordThrownValue } from "../errors/origin.js"
import { ErrorSite } from "./error-site.js"
import { FRAME_ERROR_SITE, Frame, promptOf, type StepGenerator } from "./frames.js"
import { findHandler } from "./lookup.js"
import { MODE_THROW } from "./modes.js"
import { perform } from "./perform.js"
import type { Machine } from "./state.js"

/**
 * The DispatchError mode (docs/semantics.md §5). A user error does not unwind at once: the machine
 * performs GetExecutionContext from an error-site frame standing where the error will be
 * thrown, so every handler visible there can enrich it. Whatever the handlers do, the
 * error-site frame turns the outcome into a throw at that place: the original error with its
 * context attached, a replacement, or a handler's own error.
 */
export function startErrorDispatch(vm: Machine): void {
  const error = vm.value
  const forced = vm.forceEnrich
  vm.forceEnrich = false
  vm.mode = MODE_THROW
  if (error === null || typeof error !== "object") {
    recordThrownValue(error, vm.failedFrame ?? vm.top)
    return
  }
  // Every error gets its origin, even those that bypass enrichment (tracebacks, §6).
  // A crossing (forced) was recorded where it was decided, with the effect it interrupts.
  if (!forced) recordOrigin(error, vm.failedFrame ?? vm.top)
  vm.failedFrame = null
  if (vm.inErrorDispatch || error instanceof Interrupt || (!forced && isSettled(error))) return
  if (findHandler(promptOf(vm.top), probe) === null) {
    // No handler would be offered GetExecutionContext: the dispatch could only exhaust, so
    // skip it (W6: the error site, its effect and one JS throw per error; docs/performance.md).
    settle(error)
    return
  }
  vm.inErrorDispatch = true
  const context = forced
    ? (getExecutionContext(error) ?? new ExecutionContext())
    : new ExecutionContext()
  const site = new Frame(
    FRAME_ERROR_SITE,
    new ErrorSite(vm, error, context) as unknown as StepGenerator,
    vm.top,
    promptOf(vm.top),
    null,
    undefined,
  )
  vm.top = site
  perform(vm, site, new GetExecutionContext(error, context))
}

/** Stands for every GetExecutionContext in handler lookups (by class, like a real one). */
const probe = new GetExecutionContext(undefined)
