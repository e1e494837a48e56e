import type { Effect } from "./effect.js"
import type { Frame } from "./machine/frames.js"

/**
 * Performs answered in place (docs/architecture.md, "Answering in place"). While the machine
 * steps a frame's generator, `yield* effect` may be answered without the generator
 * suspending: `[Symbol.iterator]()` runs the dispatch at once (a fast-path handler that
 * resumes or transfers its own `k`, after any number of `Pass()`es) and the `yield*`
 * evaluates to the answer. The steps the machine would have taken (HandleYield, Deliver)
 * are counted all the same, so step budgets, preemption and `runFor(n)` see the same
 * numbers. Anything else the handler did is kept here for the HandleYield step that
 * follows at once, when the generator has suspended.
 *
 * This module only holds the state: the machine sets it (machine.ts, dispatch.ts), the
 * instructions read it (instruction.ts).
 */
export interface DirectSlot {
  /** The machine whose `advance` runs now; null outside any. */
  vm: object | null
  /** The frame whose generator the machine is stepping now; null when none is. */
  frame: Frame | null
  /** Steps this step may still take in place (the rest of the `advance` limit). */
  room: number
  /** Steps taken in place during this step. */
  used: number
  /** The answer of the perform just answered in place, for the `yield*` to evaluate to. */
  answer: unknown
  /** Answers `effect` in place, or returns false (set by dispatch.ts). */
  perform: (effect: object) => boolean
  /**
   * A perform begun in place whose answer is not in place: what happened (one of the
   * `PENDING_` kinds), the handler's prompt and `k`, what the handler returned or threw (or
   * its generator's first result), its generator, and the value it transferred.
   */
  pendingKind: number
  pendingPrompt: object | null
  pendingK: object | null
  pendingResult: unknown
  pendingGen: Generator<unknown, unknown, unknown> | null
  pendingValue: unknown
  /** For `PENDING_SEGMENT`: whether the first segment returned (else it yielded). */
  pendingDone: boolean
}

export const direct: DirectSlot = {
  vm: null,
  frame: null,
  room: 0,
  used: 0,
  answer: undefined,
  perform: () => false,
  pendingKind: 0,
  pendingPrompt: null,
  pendingK: null,
  pendingResult: undefined,
  pendingGen: null,
  pendingValue: undefined,
  pendingDone: false,
}

/** The handler returned `pendingResult` (not a control the dispatch could finish in place). */
export const PENDING_RESULT = 0
/** The handler threw `pendingResult`. */
export const PENDING_THREW = 1
/** A generator handler's first segment ended with `pendingResult` (not a Transfer of its k). */
export const PENDING_SEGMENT = 2
/** A generator handler's first segment threw `pendingResult`. */
export const PENDING_SEGMENT_THREW = 3
/** It transferred `pendingValue` to its k, and its `return()` threw `pendingResult`. */
export const PENDING_CLOSE_THREW = 4
/** It transferred `pendingValue` to its k, and its `finally` yielded `pendingResult`. */
export const PENDING_CLOSING = 5

/**
 * Marks an effect class (and its subclasses) as always going through the machine's
 * HandleYield step, never answered in place: for machinery whose handler switches between
 * continuations (a scheduler), where answering in place gains nothing and would put the
 * performing generator's frames on the JS stack of the errors the handler raises.
 */
export function markStepped(effectClass: abstract new (...args: never[]) => Effect<unknown>): void {
  Object.defineProperty(effectClass.prototype, "effvmStepped", { value: true })
}
