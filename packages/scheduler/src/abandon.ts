import {
  type Continuation,
  type Effect,
  fn,
  Pass,
  Transfer,
  TransferThrow,
  type Yielded,
} from "@effvm/vm-core"
import { CloseContinuation, Preempt } from "@effvm/vm-core/internal"
import { SchedulerEffect } from "./effect.js"
import type { Task } from "./task.js"

/** A task's continuation the scheduler still held when its region was abandoned. */
export interface HeldTask {
  readonly task: Task<unknown>
  readonly k: Continuation<unknown>
}

/** The scheduler run whose held tasks are closed: each one's cleanup runs as that task. */
export interface HeldTaskCloser {
  /** `task`'s continuation `k` is about to be closed. */
  closing(task: Task<unknown>, k: Continuation<unknown>): void
  /** Every held task is closed: the task slot outside the scheduler is back. */
  closed(): void
}

/**
 * A scheduler whose region is abandoned from outside: an outer handler ends the region
 * without resuming (an abort while a task performs its effect, or while the machine parks),
 * or an error leaves it. The machine closes the frames in that region, `scheduled`'s own
 * frame among them; from its `finally`, every task continuation the scheduler still holds
 * is closed too (closeHeldTasks), so no task's `finally` is skipped (docs/semantics.md §8).
 */

/**
 * Answers an effect that reaches the scheduler from a region being closed. No task can run
 * any more, so a scheduler effect cannot be honoured: it gets an error thrown in, which the
 * cleanup may catch. The machine's preemption goes on at once; anything else goes to the
 * handlers outside the scheduler.
 */
export function answerAbandoned(
  effect: Effect<unknown>,
  task: Task<unknown> | null,
  k: Continuation<unknown>,
): unknown {
  if (effect instanceof SchedulerEffect) return TransferThrow(k, abandonedError(effect, task))
  if (effect instanceof Preempt) return Transfer(k, undefined)
  return Pass()
}

function abandonedError(effect: Effect<unknown>, task: Task<unknown> | null): Error {
  const where = task === null ? "" : ` in task ${task.id} "${task.name}"`
  return new Error(
    `${effect.constructor.name}${where} cannot be answered: its scheduled() region is being abandoned (a handler outside it ended it without resuming), so cleanup running as the region closes cannot use the scheduler.`,
  )
}

/**
 * Closes the held continuations of `tasks` from index `from` on, in order, each innermost
 * frame first. An error a `finally` throws is thrown from here once every task is closed
 * (the last one, as JS keeps the last error of nested `finally` blocks). If an outer
 * handler abandons this closing too (a cleanup's effect that it does not resume), the
 * remaining tasks are still closed, from this frame's own `finally`.
 */
export const closeHeldTasks = fn(function* closeHeldTasks(
  s: HeldTaskCloser,
  tasks: readonly HeldTask[],
  from: number,
): Generator<Yielded, void, unknown> {
  let failed = false
  let error: unknown
  let i = from
  try {
    for (; i < tasks.length; i++) {
      const { task, k } = tasks[i]!
      s.closing(task, k)
      try {
        yield* CloseContinuation(k)
      } catch (thrown) {
        failed = true
        error = thrown
      }
    }
  } finally {
    if (i < tasks.length) yield* closeHeldTasks(s, tasks, i + 1)
    else s.closed()
  }
  if (failed) throw error
})
