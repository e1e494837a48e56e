import type { ContextEntry, Continuation, Interrupt } from "@effvm/vm-core"
import { StopError } from "@effvm/vm-core"
import type { TaskLocalKey } from "@effvm/vm-core/internal"
import type { SpawnSite } from "./site.js"
import {
  type PendingThrow,
  RESUME_VALUE,
  S_DONE,
  S_NEW,
  S_READY,
  statusOf,
  type TaskStatus,
} from "./task-state.js"
import type { Blocker, HeldGrant, JoinLink, Waitable } from "./wait-types.js"
import type { Watchdog } from "./watchdog.js"

/**
 * The records of a scheduler run: a task, the state only some tasks use (`TaskExtras`),
 * and the cancel scopes of a task's body. They refer to each other (a task holds its
 * innermost scope, a scope its tasks), so they live in one module.
 */

/** A failure crossing into a task from `from` (a task, or `null` for a promise). */
export interface IncomingError {
  readonly error: unknown
  readonly from: Task<unknown> | null
}

/**
 * A handle on a spawned task, as `spawn` returns it. Pass it to `wait`, `gather`,
 * `gatherSettled`, `race` or `cancel`. Handles belong to the scheduler run that made them.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const task: Task<number> = yield* spawn(compute(21), { name: "compute" })
 *   return yield* wait(task) // 42
 * })
 * ```
 */
export class Task<T = unknown> implements Waitable {
  /** @hidden phantom: the type of the task's result. */
  declare readonly effvmResult?: T

  /** @internal */ state = S_NEW
  /** @internal where the task is suspended (its start, a perform, or its end). */ k: Continuation<unknown> | null =
    null
  /** @internal */ resumeMode = RESUME_VALUE
  /** @internal */ resumeValue: unknown = undefined
  /** @internal what a blocked task waits on. */ blocker: Blocker | null = null
  /**
   * @internal the error thrown at its suspension when it was cancelled (or stopped); set
   * once, when the cancellation is requested.
   */
  cancelError: Interrupt | null = null
  /**
   * @internal Waitable. While the task is ending, how its body ended (ok, value or error,
   * before its children were cancelled); once it finished, its outcome. One pair of fields
   * for both: 100,000 task handles kept after the tasks ended are 16 bytes smaller each.
   */
  settledOk = false
  /** @internal Waitable (see `settledOk`). */ settledValue: unknown = undefined
  /** @internal Waitable */ joins: JoinLink[] | null = null
  /** @internal the rarely used state (see TaskExtras), made on first use. */
  extras: TaskExtras | null = null

  /** @internal */
  constructor(
    /** @internal the scheduler run that owns the task. */
    readonly owner: object,
    /** The task's id, unique within its scheduler run (the root task is 1). */
    readonly id: number,
    /** The task's name (the `name` option, else the program's name). */
    readonly name: string,
    priority: number,
    daemon: boolean,
    /** @internal the spawning task; `null` for the root. */
    readonly parent: Task<unknown> | null,
    /**
     * @internal where it was spawned; `null` for the root, and once the task finished
     * other than failed (only a failure crossing from it reads the site again).
     */
    public spawnSite: SpawnSite | null,
  ) {
    // Most tasks have the defaults; the others keep them in `extras` (see TaskExtras).
    if (priority !== 0 || daemon) {
      const extras = extrasOf(this)
      extras.priority = priority
      extras.daemon = daemon
    }
  }

  /** Its priority: higher runs first among ready tasks. */
  get priority(): number {
    return this.extras === null ? 0 : this.extras.priority
  }

  /** Whether it is a daemon (see `SpawnOptions.daemon`). */
  get daemon(): boolean {
    return this.extras?.daemon === true
  }

  /** The id of the task that spawned it; `undefined` for the root task. */
  get parentId(): number | undefined {
    return this.parent?.id
  }

  /** Where the task is in its life. */
  get status(): TaskStatus {
    return statusOf(this.state)
  }

  /** @internal interruptions to throw at the next suspension. */
  get pending(): PendingThrow[] | null {
    return this.extras === null ? null : this.extras.pending
  }
  /** @internal */
  set pending(entries: PendingThrow[] | null) {
    if (entries !== null || this.extras !== null) extrasOf(this).pending = entries
  }

  /** @internal unfinished non-daemon children (not kept for the root). */
  get children(): Set<Task<unknown>> | null {
    return this.extras === null ? null : this.extras.children
  }
  /** @internal */
  set children(children: Set<Task<unknown>> | null) {
    if (children !== null || this.extras !== null) extrasOf(this).children = children
  }

  /** @internal task-local values (vm-core task slot), created on first use. */
  get locals(): Map<TaskLocalKey<unknown>, unknown> | null {
    return this.extras === null ? null : this.extras.locals
  }
  /** @internal */
  set locals(locals: Map<TaskLocalKey<unknown>, unknown> | null) {
    if (locals !== null || this.extras !== null) extrasOf(this).locals = locals
  }

  /** @internal Waitable: set once its failure crossed into a waiting task (enriched there). */
  get crossed(): boolean {
    return this.extras?.crossed === true
  }
  /** @internal */
  set crossed(crossed: boolean) {
    if (crossed || this.extras !== null) extrasOf(this).crossed = crossed
  }

  /** @internal failures thrown into it from other tasks, waiting for their enrichment here. */
  get incoming(): IncomingError[] | null {
    return this.extras === null ? null : this.extras.incoming
  }
  /** @internal */
  set incoming(entries: IncomingError[] | null) {
    if (entries !== null || this.extras !== null) extrasOf(this).incoming = entries
  }

  /**
   * @internal a permit handed over by `release`, or a value by a channel, that the task
   * has not run with yet: handed back if the task is interrupted first.
   */
  get heldPermit(): HeldGrant | null {
    return this.extras === null ? null : this.extras.heldPermit
  }
  /** @internal */
  set heldPermit(semaphore: HeldGrant | null) {
    if (semaphore !== null || this.extras !== null) extrasOf(this).heldPermit = semaphore
  }

  /** @internal the innermost cancel scope open in the task's body; its spawns join it. */
  get scope(): CancelScope | null {
    return this.extras === null ? null : this.extras.scope
  }
  /** @internal */
  set scope(scope: CancelScope | null) {
    if (scope !== null || this.extras !== null) extrasOf(this).scope = scope
  }

  /** @internal its activation budget (`watchdog` option). */
  get watchdog(): Watchdog | null {
    return this.extras === null ? null : this.extras.watchdog
  }
  /** @internal */
  set watchdog(watchdog: Watchdog | null) {
    if (watchdog !== null || this.extras !== null) extrasOf(this).watchdog = watchdog
  }

  /** @internal whether its cancellation (or stop) was requested. */
  get cancelRequested(): boolean {
    return this.cancelError !== null
  }

  /** @internal Waitable: whether it has finished (done, failed or cancelled). */
  get finished(): boolean {
    return this.state >= S_DONE
  }

  /** @internal ReadyQueue: a queued entry of a task that was finalized meanwhile is stale. */
  get runnable(): boolean {
    return this.state === S_READY || this.state === S_NEW
  }

  /** `task 3 "worker"`, as messages name it. */
  toString(): string {
    return `task ${this.id} "${this.name}"`
  }

  /** @internal Waitable */
  describe(): string {
    return this.toString()
  }
}

/**
 * The state of a task that only some programs use, made on first use: failures crossing
 * in or out, a handed-over permit, cancel scopes, watchdogs, interruptions, children (of a task
 * other than the root), task-local values, a priority other than 0, the daemon flag. Most
 * tasks never need it, and a `Task` stays alive in full while it runs and its handle as
 * long as the program keeps it (W4 keeps 100,000): each field moved here is 8 bytes less
 * per task, and about 2.5 MB less of W4's peak RSS.
 */
export class TaskExtras {
  /** Failures thrown into the task from other tasks, waiting for their enrichment there. */
  incoming: IncomingError[] | null = null
  /** A permit (semaphore) or a value (channel) handed over that the task has not run with yet. */
  heldPermit: HeldGrant | null = null
  /** The innermost cancel scope open in the task's body; its spawns join it. */
  scope: CancelScope | null = null
  /** Its activation budget (`watchdog` option). */
  watchdog: Watchdog | null = null
  /** Whether its failure crossed into a waiting task (Waitable `crossed`). */
  crossed = false
  /** Its priority (`SpawnOptions.priority`). */
  priority = 0
  /** Whether it is a daemon (`SpawnOptions.daemon`). */
  daemon = false
  /** Interruptions to throw at the next suspension. */
  pending: PendingThrow[] | null = null
  /** Unfinished non-daemon children (not kept for the root). */
  children: Set<Task<unknown>> | null = null
  /** Task-local values (vm-core task slot), created on first use. */
  locals: Map<TaskLocalKey<unknown>, unknown> | null = null
}

/** The task's `TaskExtras`, made on first use. */
function extrasOf(task: Task<unknown>): TaskExtras {
  if (task.extras === null) task.extras = new TaskExtras()
  return task.extras
}

/**
 * A cancel scope: a region of one task's body, with every task spawned inside it. The
 * handle `cancelScope` gives its body; `cancel(scope)` cancels the region. It belongs to
 * the scheduler run that made it.
 *
 * @example
 * ```ts
 * const result = yield* cancelScope(function* (scope: CancelScope) {
 *   yield* spawn(deadline(scope, 1_000)) // may cancel(scope) when it sees a problem
 *   return yield* work()
 * })
 * ```
 */
export class CancelScope {
  /** @internal tasks spawned inside (and handed over by inner scopes that ended normally). */
  readonly tasks = new Set<Task<unknown>>()
  /** @internal the error thrown into the body when this scope was cancelled itself. */
  cancelError: Interrupt | null = null
  /** @internal an outer scope whose cancellation covers this one. */
  cancelledBy: CancelScope | null = null
  /** @internal the body has ended and its cancelled tasks have finished. */
  closed = false
  /** @internal tasks waiting in `cancel(scope)` for the scope to close. */
  closeWaiters: Task<unknown>[] | null = null
  /** @internal above this size, finished tasks are dropped from `tasks` at the next spawn. */
  pruneAt = 64

  /** @internal */
  constructor(
    /** @internal the scheduler run that owns it. */
    readonly owner: object,
    /** The scope's number within its scheduler run. */
    readonly id: number,
    /** @internal the task whose body runs the scope. */
    readonly task: Task<unknown>,
    /** @internal the enclosing scope in the same task, if any. */
    readonly parent: CancelScope | null,
  ) {}

  /** Whether the scope was cancelled (itself, or by an enclosing scope). */
  get cancelled(): boolean {
    return this.cancelError !== null || this.cancelledBy !== null
  }

  /** @internal a task was spawned while this was the spawner's innermost scope: it joins. */
  adopt(task: Task<unknown>): void {
    const tasks = this.tasks
    if (tasks.size >= this.pruneAt) {
      for (const t of tasks) if (t.finished) tasks.delete(t)
      this.pruneAt = Math.max(64, tasks.size * 2)
    }
    tasks.add(task)
  }

  /** `cancel scope #2 in task 1 "main"`, as messages name it. */
  toString(): string {
    return `cancel scope #${this.id} in ${this.task}`
  }
}

const boundaryTask: unique symbol = Symbol("effvm.boundaryTask")

/**
 * The context entry the scheduler adds for `task` when an error is enriched in it:
 * `{ kind: "spawn_boundary", taskId, name, parentId, spawnSite }`. `spawnSite` is a string
 * such as `orchestrator() src/app.ts:14`, resolved from the captured stack only when read;
 * `spawnLocation` has it structured. For an error raised in `task` (`raisedHere`) after it
 * was cancelled or stopped, `cleanup` says which: its cleanup raised it.
 */
export function spawnBoundary(task: Task<unknown>, raisedHere = false): ContextEntry {
  const site = task.spawnSite
  const entry: Record<string, unknown> & ContextEntry = {
    kind: "spawn_boundary",
    taskId: task.id,
    name: task.name,
    parentId: task.parent?.id,
    spawnLocation: site,
  }
  // Raised while the task was being cancelled or stopped: by its cleanup (its finally).
  const cancelled = task.cancelError
  if (raisedHere && cancelled !== null)
    entry.cleanup = cancelled instanceof StopError ? "stopped" : "cancelled"

  Object.defineProperty(entry, "spawnSite", {
    get: () => (site === null ? undefined : String(site)),
    enumerable: true,
  })
  Object.defineProperty(entry, boundaryTask, { value: task })
  return entry
}

/** Whether `entries` already hold the spawn boundary of `task`. */
export function hasBoundary(entries: readonly ContextEntry[], task: Task<unknown>): boolean {
  for (const entry of entries) {
    if ((entry as { [boundaryTask]?: unknown })[boundaryTask] === task) return true
  }
  return false
}
