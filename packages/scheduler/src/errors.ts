import { Interrupt } from "@effvm/vm-core"

/**
 * Thrown into a task at its current suspension when it is cancelled, and by `wait`,
 * `gather` or `race` for a task that ended cancelled. An `Interrupt`: never enriched, and
 * `attempt` does not catch it. A task that catches it and goes on is still cancelled.
 *
 * @example
 * ```ts
 * const worker = fn(function* worker() {
 *   try {
 *     yield* sleep(1_000)
 *   } catch (error) {
 *     if (error instanceof TaskCancelledError) console.log(`cancelled: ${error.taskName}`)
 *     throw error
 *   }
 * })
 * ```
 */
export class TaskCancelledError extends Interrupt {
  /** The id of the task that was cancelled. */
  readonly taskId: number
  /** The name of the task that was cancelled. */
  readonly taskName: string

  constructor(taskId: number, taskName: string) {
    super(`Task ${taskId} "${taskName}" was cancelled.`)
    this.taskId = taskId
    this.taskName = taskName
  }
}

/**
 * The scheduler's own cancellation error for `task`. Its JS stack would only show scheduler
 * internals, and capturing one costs microseconds per cancelled task, so none is captured.
 */
export function cancellationOf(taskId: number, taskName: string): TaskCancelledError {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  const error = new TaskCancelledError(taskId, taskName)
  Error.stackTraceLimit = limit
  return error
}

/**
 * One task in a deadlock report: who it is and what it waits on.
 *
 * @example
 * ```ts
 * try { run(scheduled(main)) } catch (e) {
 *   if (e instanceof SchedulerDeadlockError) for (const b of e.blocked) console.log(b.name, b.waitsOn)
 * }
 * ```
 */
export interface BlockedTask {
  readonly taskId: number
  readonly name: string
  /** What the task waits on, e.g. `waits on task 3 "worker"`. */
  readonly waitsOn: string
}

/**
 * Every task waits on something only another task could give (a task, a scheduler
 * promise, a semaphore) and nothing external or timed is pending: the run can never go
 * on. The scheduler then cancels every task (their `finally` blocks run) and
 * `scheduled(...)` throws this error.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const never = yield* createPromise<number>()
 *   return yield* wait(never)
 * })
 * run(scheduled(main)) // SchedulerDeadlockError: … task 1 "main" waits on promise #1 …
 * ```
 */
export class SchedulerDeadlockError extends Error {
  /** The tasks that were blocked when the deadlock was found, in id order. */
  readonly blocked: readonly BlockedTask[]
  /** Tasks whose cleanup blocked again after the cancellation (their finally did not finish). */
  abandoned: readonly BlockedTask[] = []

  constructor(blocked: readonly BlockedTask[]) {
    const lines = blocked.map((b) => `  task ${b.taskId} "${b.name}" ${b.waitsOn}`)
    super(
      `Deadlock: every task is blocked on something only another task could give, and nothing external or timed is pending.\n${lines.join("\n")}\n` +
        "To break the cycle, complete the promise, release the semaphore or end one of the tasks waited on. Every task was cancelled.",
    )
    this.name = "SchedulerDeadlockError"
    this.blocked = blocked
  }

  /** @internal records tasks whose cleanup deadlocked too; they were abandoned. */
  noteAbandoned(tasks: readonly BlockedTask[]): void {
    if (tasks.length === 0) return
    this.abandoned = tasks
    const lines = tasks.map((b) => `  task ${b.taskId} "${b.name}" ${b.waitsOn}`)
    this.message += `\nTheir cleanup blocked again, so these tasks were abandoned before their finally blocks finished:\n${lines.join("\n")}`
  }
}

const combined = new WeakSet<AggregateError>()

/**
 * Two failures that must both be reported (a task failed, then a child failed while it was
 * ending): the first error stays first in an `AggregateError`.
 */
export function combineErrors(where: string, first: unknown, second: unknown): AggregateError {
  if (first instanceof AggregateError && combined.has(first)) {
    first.errors.push(second)
    return first
  }
  const error = new AggregateError(
    [first, second],
    `Several errors in ${where}: ${messageOf(first)}; and ${messageOf(second)}`,
  )
  combined.add(error)
  return error
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
