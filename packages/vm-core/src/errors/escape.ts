import { getExecutionContext } from "./context.js"

/** The task an error escaped from, as `runOutcome` reports it. */
export interface EscapedFrom {
  readonly taskId: number
  readonly taskName: string
}

const escapeKey: unique symbol = Symbol.for("effvm.escapedFrom")

/**
 * @internal A scheduler records the task an error escaped from (the task ended with it).
 * The first record wins: an error escapes from the innermost task first, and keeps that
 * record as it travels outwards. Kept on the error itself (no global map, docs/semantics.md §5).
 */
export function noteEscape(error: unknown, taskId: number, taskName: string): void {
  if (error === null || typeof error !== "object" || escapeKey in error) return
  try {
    Object.defineProperty(error, escapeKey, {
      value: { taskId, taskName } satisfies EscapedFrom,
      configurable: true,
      enumerable: false,
    })
  } catch {
    // frozen errors carry no record
  }
}

/**
 * The innermost task `error` escaped from: the scheduler's record, else the innermost
 * spawn boundary of its execution context; `undefined` for an error that never left a task.
 */
export function escapedFrom(error: unknown): EscapedFrom | undefined {
  if (error === null || typeof error !== "object") return undefined
  const noted = (error as { [escapeKey]?: EscapedFrom })[escapeKey]
  if (noted !== undefined) return noted
  for (const entry of getExecutionContext(error)?.entries ?? []) {
    if (entry.kind === "spawn_boundary" && typeof entry.taskId === "number")
      return { taskId: entry.taskId, taskName: String(entry.name) }
  }
  return undefined
}
