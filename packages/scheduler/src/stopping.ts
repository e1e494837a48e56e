import type { Continuation, StopError } from "@effvm/vm-core"
import {
  forkTaskLocals,
  performedInCleanup,
  stopMachine,
  stopRequestedBy,
  takeMachineStop,
} from "@effvm/vm-core/internal"
import type { Scheduler } from "./scheduler.js"
import {
  RESUME_THROW,
  S_DONE,
  S_ENDING,
  S_NEW,
  S_RUNNING,
  type SpawnOptions,
  type Task,
} from "./task.js"
import { Watchdog } from "./watchdog.js"

/**
 * Stopping a scheduler run (docs/semantics.md §10): every task receives `StopError` at its suspension
 * (a running task at its next one), its `finally` blocks run, tasks spawned from then on
 * never start, and `scheduled` ends with the `StopError` whatever the body returned.
 *
 * A stop reaches a scheduler three ways: as the preemption vm-core performs before the next
 * perform once `vm.stop()` was called (or the run's signal aborted); as `StopError` thrown
 * into its idle continuation while the machine was parked; and, for a scheduler nested in
 * another's task, when that task ends with the inner scheduler's `StopError`.
 */
export function stopAll(s: Scheduler, error: StopError): void {
  if (s.stopping !== null) return
  s.stopping = error
  if (s.rounds !== null) {
    s.rounds.release(s.ready)
    s.rounds = null
  }
  s.refuseNewTasks()
  for (const task of [...s.live]) {
    // Cleanups are never cut short: a task already ending (its body ended, or cancelled
    // or faulted and running its finally blocks) gets no StopError; the run waits for it.
    if (task.state === S_ENDING || task.state >= S_DONE || task.cancelRequested) continue
    // Like a cancellation: a task that catches the stop and goes on is still stopped.
    task.cancelError = error
    if (task.state === S_NEW) s.finalize(task)
    else if (task.state === S_RUNNING || (task.k !== null && performedInCleanup(task.k)))
      holdStop(s, task)
    else s.interrupt(task, RESUME_THROW, error)
  }
}

/**
 * The stop waits for `task`: it runs now, or it is suspended in `finally` blocks the machine
 * runs to close frames (a region a handler ended without resuming). It gets the stop at its
 * next perform outside such cleanup (`releaseStop`), thrown at its next suspension; its
 * watchdog bounds the cleanup meanwhile.
 */
function holdStop(s: Scheduler, task: Task<unknown>): void {
  if (s.stopHeld === null) s.stopHeld = [task]
  else s.stopHeld.push(task)
}

/** `task` performs at `k`: a stop held for it is thrown at its next suspension, unless `k` is still in cleanup. */
export function releaseStop(s: Scheduler, task: Task<unknown>, k: Continuation<unknown>): void {
  const held = s.stopHeld!
  const at = held.indexOf(task)
  if (at < 0 || performedInCleanup(k)) return
  dropHeldStop(s, at)
  // Unless its watchdog faulted the run meanwhile (the fault's own error reached it).
  if (task.cancelError === s.stopping) s.interrupt(task, RESUME_THROW, task.cancelError)
}

/** Whether a stop waits for `task`'s cleanup (its watchdog stays on meanwhile). */
export function stopHeldFor(s: Scheduler, task: Task<unknown>): boolean {
  return s.stopHeld?.includes(task) === true
}

/** `task`'s body ended: no stop waits for it any more. */
export function endHeldStop(s: Scheduler, task: Task<unknown>): void {
  const at = s.stopHeld!.indexOf(task)
  if (at >= 0) dropHeldStop(s, at)
}

function dropHeldStop(s: Scheduler, at: number): void {
  const held = s.stopHeld!
  held.splice(at, 1)
  if (held.length === 0) s.stopHeld = null
}

/** `maxRounds` reached: stop the run like `vm.stop()` (the machine ends as stopped). */
export function stopOnRoundLimit(s: Scheduler, k: Continuation<unknown> | null): void {
  const max = s.rounds?.max
  if (k === null) return
  stopMachine(k, `maxRounds (${max}) reached`)
  const stop = takeMachineStop(k) ?? stopRequestedBy(k)
  if (stop !== null) stopAll(s, stop)
}

/**
 * A task ended with `StopError`: if the machine is being stopped (a scheduler nested in
 * this task delivered it), this scheduler stops its tasks too.
 */
export function stopSeenAtEnd(s: Scheduler, k: Continuation<unknown> | null): void {
  if (s.stopping !== null || k === null) return
  const stop = stopRequestedBy(k)
  if (stop === null) return
  takeMachineStop(k)
  stopAll(s, stop)
}

/** What a new task inherits and is bounded by: task-local values, its watchdog. */
export function initTaskControl(
  task: Task<unknown>,
  parent: Task<unknown>,
  options: SpawnOptions | undefined,
): void {
  if (parent.locals !== null) task.locals = forkTaskLocals(parent)
  const budget = options?.watchdog
  if (budget !== undefined) task.watchdog = new Watchdog(budget)
}
