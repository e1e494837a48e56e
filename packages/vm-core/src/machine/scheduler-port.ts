import { requestStop, type StopError, stopRequested, takeStop } from "../stop.js"
import type { Tracer } from "../trace/tracer.js"
import type { Continuation } from "./continuation.js"
import { insideRegion, type JournalPort } from "./journal-port.js"
import { DISARMED } from "./modes.js"
import type { Machine } from "./state.js"
import type { TaskLocalsHolder } from "./task-slot.js"

/**
 * The port from the machine to a scheduler, and to any handler that needs the run it works
 * in. A scheduler is a handler in another package: all it holds is the continuations it is
 * given, so everything it asks of the machine goes through one of them, here. This is the
 * only module that reaches the machine from a continuation (`k.owner`); the functions are
 * re-exported to sibling packages by `@effvm/vm-core/internal`.
 *
 * - preemption and steps: `armPreemption`, `machineSteps`
 * - the task slot: `currentTask`, `enterTask` (task-slot.ts says what it holds)
 * - stopping: `stopMachine`, `stopRequestedBy`, `takeMachineStop` (stop.ts)
 * - the trace and the choice log: `tracerOf`, `wantsChoices`, `setChoiceLog`
 * - the journal: `journalOf`, `performedInside` (journal-port.ts)
 * - the run itself, as an identity: `runOf`; observation: `startObservingAt`
 */

function machineOf(k: Continuation<unknown>): Machine {
  return k.owner
}

/** Arms preemption: after `steps` more steps, the next perform is preceded by Preempt. */
export function armPreemption(k: Continuation<unknown>, steps: number): void {
  const vm = machineOf(k)
  // A stop not yet delivered keeps the next perform armed (stop.ts).
  vm.preemptAt = vm.stopPending ? 1 : steps > 0 ? vm.steps + steps : DISARMED
}

/**
 * Stops the step budget's clock (preemption, and the watchdog step budgets that share it)
 * and returns the steps that were left of it, or -1 when none was armed. For code whose
 * steps are not the program's: a journaled run's outside handler, whose steps a replay does
 * not take, so counting them would move the recorded run's preemptions.
 */
export function pauseStepBudget(k: Continuation<unknown>): number {
  const vm = machineOf(k)
  const left = vm.preemptAt === DISARMED ? -1 : Math.max(vm.preemptAt - vm.steps, 0)
  vm.preemptAt = DISARMED
  return left
}

/** Starts the clock again with the `left` steps `pauseStepBudget` returned. */
export function resumeStepBudget(k: Continuation<unknown>, left: number): void {
  const vm = machineOf(k)
  // A stop requested meanwhile keeps the next perform armed (stop.ts).
  vm.preemptAt = vm.stopPending ? 1 : left < 0 ? DISARMED : vm.steps + left
}

/** Steps the machine owning `k` has taken (watchdogs, statistics). */
export function machineSteps(k: Continuation<unknown>): number {
  return machineOf(k).steps
}

/** The task the machine that owns `k` runs now, or `null` outside every scheduler. */
export function currentTask(k: Continuation<unknown>): TaskLocalsHolder | null {
  return machineOf(k).taskSlot
}

/** The scheduler announces the task it resumes (or `null` as it hands back to its outside). */
export function enterTask(k: Continuation<unknown>, task: TaskLocalsHolder | null): void {
  machineOf(k).taskSlot = task
}

/** Stops the machine owning `k`, like `vm.stop(reason)`. */
export function stopMachine(k: Continuation<unknown>, reason?: unknown): void {
  requestStop(machineOf(k), reason)
}

/** The stop requested for the machine owning `k`, or `null`. */
export function stopRequestedBy(k: Continuation<unknown>): StopError | null {
  return stopRequested(machineOf(k))
}

/** Takes the stop not yet delivered at a perform, or `null`. */
export function takeMachineStop(k: Continuation<unknown>): StopError | null {
  return takeStop(machineOf(k))
}

/** The tracer of the machine that owns `k`; null when the run is not traced. */
export function tracerOf(k: Continuation<unknown>): Tracer | null {
  return machineOf(k).trace
}

/** Whether the run asked every scheduler to record its choices (`runOutcome`). */
export function wantsChoices(k: Continuation<unknown>): boolean {
  return machineOf(k).recordChoices
}

/**
 * Stores the scheduler's choice log on the machine that owns `k`, so the run's outcome
 * can report it (`runOutcome(...).choices`). The log is the scheduler's live array. The
 * first scheduler of the run keeps the place (the outermost, with nested schedulers).
 */
export function setChoiceLog(k: Continuation<unknown>, log: readonly number[]): void {
  const vm = machineOf(k)
  if (vm.choiceLog === null) vm.choiceLog = log
}

/** The journal port of the machine that owns `k`, or null when the run is not journaled. */
export function journalOf(k: Continuation<unknown>): JournalPort | null {
  return machineOf(k).journal
}

/** Whether `k`'s effect was performed by the journaled region (not by an outside handler). */
export function performedInside(k: Continuation<unknown>): boolean {
  const port = machineOf(k).journal
  return port === null || insideRegion(port, k.top)
}

/**
 * The run `k` belongs to, as an opaque identity: state kept per run (a `lazy` value
 * computed once per run) is keyed by it.
 */
export function runOf(k: Continuation<unknown>): object {
  return machineOf(k)
}

/** Switches observation on for the rest of `k`'s run (where an `observe` region starts). */
export function startObservingAt(k: Continuation<unknown>): void {
  const vm = machineOf(k)
  vm.observed = true
  vm.hooked = true
}
