import type { Continuation, StopError } from "@effvm/vm-core"
import {
  forkTaskLocals,
  stopMachine,
  stopRequestedBy,
  takeMachineStop,
} from "@effvm/vm-core/internal"
import { finalize, interrupt, type TaskRun } from "./lifecycle.js"
import type { Task } from "./task.js"
import { RESUME_THROW, S_DONE, S_ENDING, S_NEW, type SpawnOptions } from "./task-state.js"
import { Watchdog } from "./watchdog.js"

/**
 * Stopping a scheduler run (docs/semantics.md §10): every task receives `StopError` at its suspension
 * (a running task at its next one), its `finally` blocks run, tasks spawned from then on
 * never start, and `scheduled` ends with the `StopError` whatever the body returned.
 *
 * A stop reaches a scheduler three ways: as the preemption vm-core performs before the next
 * perform once `vm.stop()` was called (or the run's signal aborted); as `StopError` thrown
 * into its idle continuation while the machine was parked; and, for a scheduler nested in
 * another's task, when that task ends with the inner scheduler's `StopError`. The scheduler
 * records the stop and enters its "stopping" phase; here every task receives it.
 */
export function stopTasks(run: TaskRun, error: StopError): void {
  for (const task of [...run.live]) {
    // Cleanups are never cut short: a task already ending (its body ended, or cancelled
    // or faulted and running its finally blocks) gets no StopError; the run waits for it.
    if (task.state === S_ENDING || task.state >= S_DONE || task.cancelRequested) continue
    // Like a cancellation: a task that catches the stop and goes on is still stopped.
    task.cancelError = error
    if (task.state === S_NEW) finalize(run, task)
    else interrupt(run, task, RESUME_THROW, error)
  }
}

/** `maxRounds` reached: stop the machine like `vm.stop()`; returns the stop to deliver. */
export function roundLimitStop(k: Continuation<unknown>, max: number): StopError | null {
  stopMachine(k, `maxRounds (${max}) reached`)
  return takeMachineStop(k) ?? stopRequestedBy(k)
}

/**
 * A task ended with `StopError`: if the machine is being stopped (a scheduler nested in
 * this task delivered it), returns that stop (taken), for this scheduler to deliver too.
 */
export function stopSeenAtEnd(k: Continuation<unknown>): StopError | null {
  const stop = stopRequestedBy(k)
  if (stop === null) return null
  takeMachineStop(k)
  return stop
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
