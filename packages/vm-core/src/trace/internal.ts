import type { Continuation } from "../machine/continuation.js"
import type { Machine } from "../machine/machine.js"
import type { Tracer } from "./tracer.js"

/**
 * What a scheduler needs to take part in a run's event trace and choice log (vm-core
 * internal, via `@effvm/vm-core/internal`).
 */

/** The tracer of the machine that owns `k`; null when the run is not traced. */
export function tracerOf(k: Continuation<unknown>): Tracer | null {
  return (k.owner as Machine).trace
}

/**
 * Stores the scheduler's choice log on the machine that owns `k`, so the run's outcome
 * can report it (`runOutcome(...).choices`). The log is the scheduler's live array. The
 * first scheduler of the run keeps the place (the outermost, with nested schedulers).
 */
export function setChoiceLog(k: Continuation<unknown>, log: readonly number[]): void {
  const m = k.owner as Machine
  if (m.choiceLog === null) m.choiceLog = log
}

/** Whether the run asked every scheduler to record its choices (`m.recordChoices`). */
export function wantsChoices(k: Continuation<unknown>): boolean {
  return (k.owner as Machine).recordChoices
}

/** The choice log a scheduler stored on machine `m`, or null. */
export function choiceLogOf(m: Machine): readonly number[] | null {
  return m.choiceLog
}
