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

// Internal states. Their numbers carry no order: code asks `isFinished`/`hasBodyEnded` or
// compares for equality, and every switch on a state names them all.
export const S_NEW = 0
export const S_READY = 1
export const S_RUNNING = 2
export const S_BLOCKED = 3
export const S_ENDING = 4
export const S_DONE = 5
export const S_FAILED = 6
export const S_CANCELLED = 7

/** A task's internal state (small integers, so the scheduler's checks stay integer compares). */
export type TaskState =
  | typeof S_NEW // spawned, never activated
  | typeof S_READY
  | typeof S_RUNNING
  | typeof S_BLOCKED
  | typeof S_ENDING
  | typeof S_DONE
  | typeof S_FAILED
  | typeof S_CANCELLED

/** Whether a task in `state` has finished (done, failed or cancelled): it never runs again. */
export function isFinished(state: TaskState): boolean {
  switch (state) {
    case S_NEW:
    case S_READY:
    case S_RUNNING:
    case S_BLOCKED:
    case S_ENDING:
      return false
    case S_DONE:
    case S_FAILED:
    case S_CANCELLED:
      return true
    default:
      return unreachable(state, "task state")
  }
}

/** Whether the body of a task in `state` has ended: it is ending or has finished. */
export function hasBodyEnded(state: TaskState): boolean {
  return state === S_ENDING || isFinished(state)
}

/** The public name of internal state `state`. */
export function statusOf(state: TaskState): TaskStatus {
  switch (state) {
    case S_NEW:
    case S_READY:
      return "ready"
    case S_RUNNING:
      return "running"
    case S_BLOCKED:
      return "blocked"
    case S_ENDING:
      return "ending"
    case S_DONE:
      return "done"
    case S_FAILED:
      return "failed"
    case S_CANCELLED:
      return "cancelled"
    default:
      return unreachable(state, "task state")
  }
}

/** How a task is resumed at its next activation. */
export const RESUME_VALUE = 0 // deliver a value
export const RESUME_THROW = 1 // throw an error (not enriched again)
export const RESUME_ENRICH = 2 // throw an error that crosses from another task: enrich it here

/** One of the `RESUME_*` modes; `controlFor` turns it into the control that resumes the task. */
export type ResumeMode = typeof RESUME_VALUE | typeof RESUME_THROW | typeof RESUME_ENRICH

/** The control that resumes `k` the given way. */
export function controlFor(mode: ResumeMode, value: unknown, k: Continuation<unknown>): Control {
  switch (mode) {
    case RESUME_VALUE:
      return Transfer(k, value)
    case RESUME_THROW:
      return TransferThrow(k, value)
    case RESUME_ENRICH:
      return TransferEnrich(k, value)
    default:
      return unreachable(mode, "resume mode")
  }
}

/** An interruption that could not be delivered yet: it is thrown at the next suspension. */
export interface PendingThrow {
  readonly mode: ResumeMode
  readonly error: unknown
}

/** The default of an exhaustive switch: only a value outside the switched type gets here. */
export function unreachable(value: never, what: string): never {
  throw new Error(`unknown ${what} ${String(value)}`)
}
