import { describeValue, type Effect } from "../effect.js"
import {
  attachContext,
  ExecutionContext,
  GetExecutionContext,
  getExecutionContext,
  isSettled,
  settle,
} from "../errors/context.js"
import { Interrupt } from "../errors/errors.js"
import { recordOrigin, recordThrownValue } from "../errors/origin.js"
import { throwAt } from "./close.js"
import { type Continuation, K_ABANDONED } from "./continuation.js"
import { perform } from "./dispatch.js"
import { FRAME_ERROR_SITE, Frame, promptOf, type StepGenerator } from "./frames.js"
import { findHandler } from "./lookup.js"
import type { Machine } from "./machine.js"
import { MODE_THROW } from "./modes.js"

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

/** Delivered to an error site when no handler answered: throw the original unchanged. */
export const EXHAUSTED: unique symbol = Symbol("effvm.exhausted")

/** The error site's generator: every way of resuming it ends in a throw. */
class ErrorSite {
  constructor(
    readonly vm: Machine,
    readonly error: object,
    readonly context: ExecutionContext,
  ) {}

  next(answer: unknown): never {
    this.vm.inErrorDispatch = false
    const original = this.error
    if (answer === EXHAUSTED) {
      settle(original)
      throw original
    }
    if (answer instanceof ExecutionContext) {
      attachContext(original, answer)
      throw original
    }
    if (answer === original) {
      attachContext(original, this.context)
      throw original
    }
    if (answer instanceof Error) {
      withCause(answer, original)
      settle(answer)
      throw answer
    }
    const wrong = new TypeError(
      `An enrichment handler resumed GetExecutionContext with ${describeValue(answer)}: resume with the context (eff.context) or with an Error to replace the error.`,
      { cause: original },
    )
    settle(wrong)
    throw wrong
  }

  throw(thrown: unknown): never {
    this.vm.inErrorDispatch = false
    if (thrown !== this.error) withCause(thrown, this.error)
    settle(thrown)
    throw thrown
  }

  return(value: unknown): IteratorResult<unknown, unknown> {
    this.vm.inErrorDispatch = false
    return { done: true, value }
  }
}

function withCause(error: unknown, cause: unknown): void {
  if (
    error === null ||
    typeof error !== "object" ||
    (error as { cause?: unknown }).cause !== undefined
  )
    return
  try {
    Object.defineProperty(error, "cause", {
      value: cause,
      configurable: true,
      writable: true,
      enumerable: false,
    })
  } catch {
    // frozen: thrown as it is
  }
}

/** A handler returned without resuming an enrichment: the original is thrown (docs/semantics.md §5). */
export function abandonErrorDispatch(vm: Machine, k: Continuation<unknown>): void {
  k.state = K_ABANDONED
  vm.inErrorDispatch = false
  const error = (k.effect as GetExecutionContext).error
  settle(error)
  throwAt(vm, k.top.parent, error)
}

/** Whether `effect` is the enrichment of an error site (not a user's own perform). */
export function isErrorSiteDispatch(k: Continuation<unknown>): boolean {
  return k.top.kind === FRAME_ERROR_SITE
}

export type { Effect }
