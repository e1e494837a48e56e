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
  /** A handler called in place whose answer is not in place: its prompt, `k`, and result. */
  pendingPrompt: object | null
  pendingK: object | null
  pendingResult: unknown
  /** Whether `pendingResult` is an error the handler threw. */
  pendingThrew: boolean
}

export const direct: DirectSlot = {
  vm: null,
  frame: null,
  room: 0,
  used: 0,
  answer: undefined,
  perform: () => false,
  pendingPrompt: null,
  pendingK: null,
  pendingResult: undefined,
  pendingThrew: false,
}
