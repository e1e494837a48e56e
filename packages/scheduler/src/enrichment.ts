import {
  type Continuation,
  Delegate,
  ExecutionContext,
  type GetExecutionContext,
  getExecutionContext,
  Interrupt,
  Transfer,
  type Yielded,
} from "@effvm/vm-core"
import { attachContext, noteBoundary } from "@effvm/vm-core/internal"
import { hasBoundary, spawnBoundary, type Task } from "./task.js"

/**
 * The failure that crossed into `task` and is being enriched there now: returns the task
 * it came from (if it was a task) and forgets it.
 */
export function takeIncoming(task: Task<unknown>, error: unknown): Task<unknown> | null {
  const incoming = task.incoming
  if (incoming === null) return null
  const at = incoming.findIndex((entry) => entry.error === error)
  if (at < 0) return null
  const from = incoming[at]!.from
  incoming.splice(at, 1)
  if (incoming.length === 0) task.incoming = null
  return from
}

/**
 * The scheduler's answer to GetExecutionContext: outer handlers enrich first (Delegate),
 * then the spawn boundaries are added: the sending task's, when an error crossing from it
 * was never enriched there (an unhandled effect, a handler's error, a rejected promise),
 * then the current task's (the root task has none). It never passes (docs/semantics.md §7).
 * Each boundary is also noted on the error's site in that task (the sender's is the site
 * before the crossing), where its traceback section reads it.
 */
export function* enrichWithBoundaries(
  from: Task<unknown> | null,
  task: Task<unknown> | null,
  k: Continuation<unknown>,
): Generator<Yielded, never, unknown> {
  const answer = yield* Delegate()
  if (answer instanceof ExecutionContext) {
    const error = (k.effect as GetExecutionContext).error
    if (from !== null && !hasBoundary(answer.entries, from))
      answer.add(noteBoundary(error, answer, spawnBoundary(from), "sender"))
    if (task !== null)
      answer.add(noteBoundary(error, answer, spawnBoundary(task, from === null), "latest"))
  }
  return yield* Transfer(k, answer)
}

/**
 * `task` failed with `error`: before any waiter sees it, make sure the error carries the
 * task's spawn boundary. An error enriched in the task has it already; one that was never
 * enriched there (an unhandled effect, a handler's error, a rejected promise) gets it now,
 * so every join (`wait`, `gatherSettled`, `race`, `any`, …) sees the same entry, the one
 * object a later crossing finds and keeps.
 */
export function stampEscape(task: Task<unknown>, error: unknown): void {
  if (error === null || typeof error !== "object" || error instanceof Interrupt) return
  let context = getExecutionContext(error)
  let raisedHere = false
  if (context === undefined) {
    context = new ExecutionContext()
    attachContext(error, context)
    raisedHere = true
  } else if (hasBoundary(context.entries, task)) return
  context.add(noteBoundary(error, context, spawnBoundary(task, raisedHere), "latest"))
}
