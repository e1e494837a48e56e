import { type EscapedFrom, factsFor, factsOf } from "./facts.js"

export type { EscapedFrom } from "./facts.js"

/**
 * @internal A scheduler records the task an error escaped from (the task ended with it).
 * The first record wins: an error escapes from the innermost task first, and keeps that
 * record as it travels outwards. Kept in the error's facts (facts.ts).
 */
export function noteEscape(error: unknown, taskId: number, taskName: string): void {
  const facts = factsFor(error)
  if (facts !== undefined) facts.escapedFrom ??= { taskId, taskName }
}

/**
 * The innermost task `error` escaped from: the scheduler's record, else the innermost
 * spawn boundary of its execution context; `undefined` for an error that never left a task.
 */
export function escapedFrom(error: unknown): EscapedFrom | undefined {
  const facts = factsOf(error)
  if (facts === undefined) return undefined
  if (facts.escapedFrom !== undefined) return facts.escapedFrom
  for (const entry of facts.context?.entries ?? []) {
    if (entry.kind === "spawn_boundary" && typeof entry.taskId === "number")
      return { taskId: entry.taskId, taskName: String(entry.name) }
  }
  return undefined
}
