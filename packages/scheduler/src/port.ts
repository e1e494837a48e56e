import type { Continuation, Control, Program } from "@effvm/vm-core"
import type { Clock } from "./clock.js"
import type { TimerQueue } from "./queues.js"
import type { SpawnSite } from "./site.js"
import type { Task } from "./task.js"
import type { SpawnOptions } from "./task-state.js"
import type { Blocker, Waitable } from "./wait-types.js"

/**
 * What a scheduler effect sees of the run that answers it: tasks to spawn, park, wake and
 * interrupt, the clock and timers, and the choice of what runs next. The running task is
 * handed to each effect (`SchedulerEffect.apply`), never read from here, and the run's
 * own bookkeeping (its phase, the idle continuation, the journal) stays out of reach.
 */
export interface SchedulerPort {
  readonly clock: Clock
  readonly timers: TimerQueue<Task<unknown>>
  /** Random numbers for the programs it runs (retry jitter), seeded under `{ random: seed }`. */
  readonly random: () => number
  nextPromiseId: number
  nextSemaphoreId: number

  /** Makes a task for `body` as a child of `parent` and queues its start. */
  spawnTask(
    parent: Task<unknown>,
    body: Program<unknown>,
    options: SpawnOptions | undefined,
    site: SpawnSite,
    k: Continuation<unknown>,
  ): Task<unknown>
  /** Requests cancellation; false when the task had finished or was already cancelled. */
  cancelTask(task: Task<unknown>): boolean
  /** Throws `error` into `task` at its current suspension (see lifecycle.ts). */
  interrupt(task: Task<unknown>, mode: number, error: unknown): void
  /** Throws the oldest pending interruption of the running `task` at `k`. */
  throwPending(task: Task<unknown>, k: Continuation<unknown>): Control

  /** Makes `task` ready, to be resumed the given way. */
  makeReady(task: Task<unknown>, mode: number, value: unknown): void
  /** Makes blocked `task` ready with the outcome of a settled `input`. */
  wakeWith(task: Task<unknown>, input: Waitable): void
  /** Answers the running `task` at `k` with the outcome of a settled `input`. */
  deliverNow(task: Task<unknown>, input: Waitable, k: Continuation<unknown>): Control

  /** Parks the running `task` on `blocker` without choosing the next task yet. */
  suspend(task: Task<unknown>, k: Continuation<unknown>, blocker: Blocker): void
  /** Parks the running `task` on `blocker` and switches to the next one. */
  block(task: Task<unknown>, k: Continuation<unknown>, blocker: Blocker): unknown
  /** Puts the running `task` at the back of the ready queue and switches. */
  yieldTurn(task: Task<unknown>, k: Continuation<unknown>): unknown
  /** Chooses what the machine does next (after `suspend`); the handler's answer. */
  decide(): unknown
}
