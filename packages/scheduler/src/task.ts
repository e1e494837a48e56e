import type { Interrupt } from "@effvm/vm-core"
import {
  type ContextEntry,
  type Continuation,
  type Control,
  StopError,
  Transfer,
  TransferThrow,
} from "@effvm/vm-core"
import type { TaskLocalKey } from "@effvm/vm-core/internal"
import { TransferEnrich } from "@effvm/vm-core/internal"
import type { CancelScope } from "./cancel-scope.js"
import type { SpawnSite } from "./site.js"
import { type HeldGrant, TaskExtras } from "./task-extras.js"
import type { Blocker, JoinLink, Waitable } from "./wait-types.js"
import type { Watchdog, WatchdogBudget } from "./watchdog.js"

/**
 * Where a task is in its life (docs/semantics.md §7). After a run every task is `done`, `failed` or
 * `cancelled`.
 *
 * @example
 * ```ts
 * const task = yield* spawn(worker())
 * if (task.status === "failed") console.log("it failed")
 * ```
 */
export type TaskStatus =
  | "ready" // waiting for its turn (also before its first activation)
  | "running" // the task the machine is running now
  | "blocked" // waiting on a task, a promise, a semaphore, time or a JS promise
  | "ending" // its body ended; its unfinished children are being cancelled
  | "done"
  | "failed"
  | "cancelled"

/**
 * Options of `spawn`.
 *
 * @example
 * ```ts
 * yield* spawn(heartbeat(), { name: "heartbeat", priority: 10, daemon: true })
 * ```
 */
export interface SpawnOptions {
  /** The name in messages and tracebacks (default: the program's name). */
  readonly name?: string
  /** Higher runs first among ready tasks (default 0); FIFO among equals. */
  readonly priority?: number
  /**
   * A daemon is not cancelled when its parent ends (only when the whole scheduler ends),
   * and its unobserved failure goes to `onDaemonError` (or the root task), not its parent.
   */
  readonly daemon?: boolean
  /**
   * A budget for each activation (resume to next suspension) in real ms and/or machine
   * steps; exceeding it faults the run with `WatchdogError`.
   */
  readonly watchdog?: WatchdogBudget
}

// Internal states, in life order: everything from S_DONE on is finished.
export const S_NEW = 0
export const S_READY = 1
export const S_RUNNING = 2
export const S_BLOCKED = 3
export const S_ENDING = 4
export const S_DONE = 5
export const S_FAILED = 6
export const S_CANCELLED = 7

const statusNames: readonly TaskStatus[] = [
  "ready",
  "ready",
  "running",
  "blocked",
  "ending",
  "done",
  "failed",
  "cancelled",
]

/** How a task is resumed at its next activation. */
export const RESUME_VALUE = 0 // deliver a value
export const RESUME_THROW = 1 // throw an error (not enriched again)
export const RESUME_ENRICH = 2 // throw an error that crosses from another task: enrich it here

/** The control that resumes `k` the given way. */
export function controlFor(mode: number, value: unknown, k: Continuation<unknown>): Control {
  if (mode === RESUME_VALUE) return Transfer(k, value)
  if (mode === RESUME_THROW) return TransferThrow(k, value)
  return TransferEnrich(k, value)
}

/** A failure crossing into a task from `from` (a task, or `null` for a promise). */
export interface IncomingError {
  readonly error: unknown
  readonly from: Task<unknown> | null
}

/** An interruption that could not be delivered yet: it is thrown at the next suspension. */
export interface PendingThrow {
  readonly mode: number
  readonly error: unknown
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
    return statusNames[this.state]!
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

/** The task's `TaskExtras`, made on first use. */
function extrasOf(task: Task<unknown>): TaskExtras {
  if (task.extras === null) task.extras = new TaskExtras()
  return task.extras
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
