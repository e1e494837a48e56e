import type { Continuation } from "@effvm/vm-core"
import { markUntraced, type Tracer, tracerOf } from "@effvm/vm-core/internal"
import type { Clock } from "./clock.js"
import { Idle, ParkFailed, ParkOn, RootStart, TaskEnded } from "./internal-effects.js"
import type { Task } from "./task.js"
import { S_CANCELLED, S_FAILED } from "./task-state.js"

// The scheduler's own machinery never shows in a trace; the effects users perform (spawn,
// sleep, wait, …) do, as performs like any other.
for (const internal of [RootStart, TaskEnded, Idle, ParkOn, ParkFailed]) markUntraced(internal)

/**
 * The scheduler's part of a run's event trace (docs/semantics.md §10): task events go into the
 * machine's one stream, and the machine is told which task runs and which clock to read,
 * so its effect events carry a task id and a time. Every call site in the scheduler is
 * behind a null check: an untraced run reaches none of this.
 */
export class TaskTrace {
  readonly #outerTask: number
  readonly #outerClock: Tracer["clock"]

  constructor(
    readonly tracer: Tracer,
    readonly clock: Clock,
  ) {
    // An enclosing scheduler's task goes on when this scheduler ends.
    this.#outerTask = tracer.taskId
    this.#outerClock = tracer.clock
  }

  spawned(task: Task<unknown>): void {
    this.tracer.task("spawn", task.id, { name: task.name, parentId: task.parentId })
  }

  /** The scheduler chose `task` to run next. */
  switched(task: Task<unknown>): void {
    this.running(task)
    this.tracer.task("switch", task.id, { name: task.name })
  }

  /** `task` runs now (the machine's effect events carry its id). */
  running(task: Task<unknown>): void {
    this.tracer.taskId = task.id
    this.tracer.clock = this.clock
  }

  cancelled(task: Task<unknown>): void {
    this.tracer.task("cancel", task.id, { name: task.name })
  }

  /** `task` finished: `fail` with its error, or `done` (`cancelled: true` if it was). */
  ended(task: Task<unknown>): void {
    if (task.state === S_FAILED)
      this.tracer.task("fail", task.id, { name: task.name, error: task.settledValue })
    else if (task.state === S_CANCELLED)
      this.tracer.task("done", task.id, { name: task.name, cancelled: true })
    else this.tracer.task("done", task.id, { name: task.name })
  }

  /** The scheduler ended: the enclosing context's task and clock apply again. */
  left(): void {
    this.tracer.taskId = this.#outerTask
    this.tracer.clock = this.#outerClock
  }
}

/** The scheduler's trace for the run that owns `k`, started with `root` running; null untraced. */
export function startTaskTrace(
  k: Continuation<unknown>,
  clock: Clock,
  root: Task<unknown>,
): TaskTrace | null {
  const tracer = tracerOf(k)
  if (tracer === null) return null
  const trace = new TaskTrace(tracer, clock)
  trace.running(root)
  return trace
}
