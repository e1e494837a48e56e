import type { TaskLocalKey } from "@effvm/vm-core/internal"
import type { CancelScope } from "./cancel-scope.js"
import type { Scheduler } from "./scheduler.js"
import type { IncomingError, PendingThrow, Task } from "./task.js"
import type { Watchdog } from "./watchdog.js"

/**
 * Something handed to a waiting task that must go back if the task is interrupted before
 * it runs with it: a semaphore's permit, a channel's value.
 */
export interface HeldGrant {
  handBack(s: Scheduler): boolean
  /** The task ran holding it: the grant is delivered (a channel's value). */
  consumed?(s: Scheduler): void
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
