import type { CancelScope } from "./cancel-scope.js"
import type { Semaphore } from "./semaphore.js"
import type { IncomingError } from "./task.js"
import type { Watchdog } from "./watchdog.js"

/**
 * The state of a task that only some programs use (semaphores, cancel scopes, watchdogs,
 * failures crossing in), made on first use. Most tasks never need it, and a `Task` handle
 * stays alive as long as the program keeps it (W4 keeps 100,000): each field moved here
 * is 8 bytes less per handle.
 */
export class TaskExtras {
  /** Failures thrown into the task from other tasks, waiting for their enrichment there. */
  incoming: IncomingError[] | null = null
  /** A permit handed over by `release` that the task has not run with yet. */
  heldPermit: Semaphore | null = null
  /** The innermost cancel scope open in the task's body; its spawns join it. */
  scope: CancelScope | null = null
  /** Its activation budget (`watchdog` option). */
  watchdog: Watchdog | null = null
}
