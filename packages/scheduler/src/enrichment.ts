import {
  type Continuation,
  Delegate,
  ExecutionContext,
  Transfer,
  type Yielded,
} from "@effvm/vm-core"
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
 */
export function* enrichWithBoundaries(
  from: Task<unknown> | null,
  task: Task<unknown> | null,
  k: Continuation<unknown>,
): Generator<Yielded, never, unknown> {
  const answer = yield* Delegate()
  if (answer instanceof ExecutionContext) {
    if (from !== null && !hasBoundary(answer.entries, from)) answer.add(spawnBoundary(from))
    if (task !== null) answer.add(spawnBoundary(task))
  }
  return yield* Transfer(k, answer)
}
