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
 * The scheduler's own cancellation error for a task: a `TaskCancelledError` made without
 * running the `Error` constructor. Its JS stack would only show scheduler internals, and
 * V8's `Error` constructor costs about half a microsecond even when it captures no frame
 * (a race makes one per loser). It has the same class, own fields (`name`, `taskId`,
 * `taskName`), `message`, and the `stack` a stackless one shows (`TaskCancelledError:
 * Task 3 "b" was cancelled.`); it lacks only V8's internal error slot
 * (`util.types.isNativeError` is false for it).
 */
export function cancellationOf(taskId: number, taskName: string): TaskCancelledError {
  return new (Cancellation as unknown as new (id: number, name: string) => TaskCancelledError)(
    taskId,
    taskName,
  )
}

interface CancellationFields {
  name: string
  taskId: number
  taskName: string
}

// The own fields of a constructed TaskCancelledError, in its order (`name` first, from
// Interrupt's constructor), on objects that inherit from TaskCancelledError.prototype
// through `cancellationPrototype`.
function Cancellation(this: CancellationFields, taskId: number, taskName: string): void {
  this.name = "TaskCancelledError"
  this.taskId = taskId
  this.taskName = taskName
}

/** What a constructed error has as own non-enumerable properties, read from the fields. */
const cancellationPrototype = Object.create(TaskCancelledError.prototype, {
  message: {
    configurable: true,
    enumerable: false,
    get(this: CancellationFields): string {
      return `Task ${this.taskId} "${this.taskName}" was cancelled.`
    },
    set(this: object, value: unknown) {
      ownValue(this, "message", value)
    },
  },
  stack: {
    configurable: true,
    enumerable: false,
    get(this: { name: string; message: string }): string {
      return `${this.name}: ${this.message}`
    },
    set(this: object, value: unknown) {
      ownValue(this, "stack", value)
    },
  },
})
Cancellation.prototype = cancellationPrototype

/** An assignment to an inherited accessor makes an own property, as on a constructed error. */
function ownValue(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    configurable: true,
    enumerable: false,
    writable: true,
  })
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
