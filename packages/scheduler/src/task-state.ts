import type { Continuation, Control } from "@effvm/vm-core"
import { Transfer, TransferThrow } from "@effvm/vm-core"
import { TransferEnrich } from "@effvm/vm-core/internal"
import type { WatchdogBudget } from "./watchdog.js"

/**
 * The vocabulary of a task's life, apart from the `Task` record so that every module can
 * name a state without depending on the task model: its states, how it is resumed, and
 * the options it is spawned with.
 */

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

/** The public name of internal state `state`. */
export function statusOf(state: number): TaskStatus {
  return statusNames[state]!
}

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

/** An interruption that could not be delivered yet: it is thrown at the next suspension. */
export interface PendingThrow {
  readonly mode: number
  readonly error: unknown
}
