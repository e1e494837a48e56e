import { describeValue } from "../effect.js"
import {
  attachContext,
  ExecutionContext,
  type GetExecutionContext,
  settle,
} from "../errors/context.js"
import { type Continuation, K_ABANDONED } from "./continuation.js"
import { FRAME_ERROR_SITE } from "./frames.js"
import type { Machine } from "./state.js"
import { throwAt } from "./transitions.js"

/**
 * The error site of the DispatchError mode (error-dispatch.ts): the frame standing where
 * an error will be thrown while the handlers there enrich it, and what ends its dispatch.
 */

/** Delivered to an error site when no handler answered: throw the original unchanged. */
export const EXHAUSTED: unique symbol = Symbol("effvm.exhausted")

/** The error site's generator: every way of resuming it ends in a throw. */
export class ErrorSite {
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
