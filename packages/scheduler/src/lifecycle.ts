import { type Continuation, type Control, Interrupt, StopError } from "@effvm/vm-core"
import { stampEscape } from "./enrichment.js"
import { cancellationOf, combineErrors, TaskCancelledError } from "./errors.js"
import { Task } from "./task.js"
import {
  controlFor,
  RESUME_ENRICH,
  RESUME_THROW,
  RESUME_VALUE,
  S_BLOCKED,
  S_CANCELLED,
  S_DONE,
  S_ENDING,
  S_FAILED,
  S_NEW,
  S_READY,
} from "./task-state.js"
import type { TaskTrace } from "./trace-events.js"
import { isAbsorbed, isAwaited, type Waitable } from "./wait-types.js"

/**
 * A task's life after its start: cancellation, interruptions thrown in (or queued until
 * its next suspension), its end and outcome, and where a failure nobody waited for goes.
 * Free functions over the run's tasks (`TaskRun`), so the scheduler class keeps only the
 * choice of what runs next.
 */

/** What the lifecycle needs of the run its tasks belong to (the scheduler implements it). */
export interface TaskRun {
  readonly root: Task<unknown>
  /** Every unfinished task, in id order. */
  readonly live: Set<Task<unknown>>
  readonly trace: TaskTrace | null
  readonly onDaemonError: ((error: unknown, task: Task<unknown>) => void) | undefined
  makeReady(task: Task<unknown>, mode: number, value: unknown): void
  /** The root task finished: the run ends. */
  rootFinished(): void
}

/**
 * Requests cancellation: `TaskCancelledError` is thrown into the task at its current
 * suspension (a task that never started is finished at once). Returns false when the
 * task had already finished or was already cancelled.
 */
export function cancelTask(run: TaskRun, task: Task<unknown>, force = false): boolean {
  if (task.state >= S_DONE || task.cancelRequested) return false
  if (run.trace !== null) run.trace.cancelled(task)
  const error = cancellationOf(task.id, task.name)
  task.cancelError = error
  if (task.state === S_NEW) finalize(run, task)
  else interrupt(run, task, RESUME_THROW, error, force)
  return true
}

/**
 * Throws `error` into `task` at its current suspension. A blocked task stops waiting; a
 * ready task is resumed with the throw instead of its value; an ending task's outcome
 * takes the error; otherwise it is thrown at the task's next suspension.
 */
export function interrupt(
  run: TaskRun,
  task: Task<unknown>,
  mode: number,
  error: unknown,
  force = false,
): void {
  switch (task.state) {
    case S_BLOCKED: {
      const blocker = task.blocker!
      if (blocker.defersInterrupts && !force) {
        queueThrow(task, mode, error)
        return
      }
      blocker.detach()
      run.makeReady(task, mode, error)
      return
    }
    case S_READY:
      if (task.resumeMode === RESUME_VALUE) {
        returnHeldGrant(task)
        task.resumeMode = mode
        task.resumeValue = error
      } else queueThrow(task, mode, error)
      return
    case S_ENDING:
      if (!(error instanceof TaskCancelledError)) failEnding(task, error)
      return
    default:
      queueThrow(task, mode, error)
  }
}

/** A ready task interrupted before it ran with a handed-over permit or value: it goes back. */
function returnHeldGrant(task: Task<unknown>): void {
  const grant = task.heldPermit
  if (grant === null) return
  task.heldPermit = null
  grant.handBack()
}

function queueThrow(task: Task<unknown>, mode: number, error: unknown): void {
  const entry = { mode, error }
  if (task.pending === null) task.pending = [entry]
  else task.pending.push(entry)
}

/** Throws the oldest pending interruption of the running `task` at `k`. */
export function throwPending(task: Task<unknown>, k: Continuation<unknown>): Control {
  const pending = task.pending!
  const next = pending.shift()!
  if (pending.length === 0) task.pending = null
  return controlFor(next.mode, next.error, k)
}

/**
 * The task's body ended with `ok`/`value`: keep that as its outcome until its children
 * have finished. Interruptions that came after the body ended: a cancellation is already
 * recorded, an error joins the outcome.
 */
export function endBody(
  task: Task<unknown>,
  ok: boolean,
  value: unknown,
  late: readonly unknown[] | null,
): void {
  task.settledOk = ok
  task.settledValue = value
  const pending = task.pending
  task.pending = null
  if (late !== null)
    for (const error of late) if (!(error instanceof TaskCancelledError)) failEnding(task, error)
  if (pending !== null)
    for (const p of pending) if (!(p.error instanceof TaskCancelledError)) failEnding(task, p.error)
  task.state = S_ENDING
}

function failEnding(task: Task<unknown>, error: unknown): void {
  if (task.settledOk || task.settledValue instanceof TaskCancelledError) {
    task.settledOk = false
    task.settledValue = error
  } else task.settledValue = combineErrors(String(task), task.settledValue, error)
}

/** Whether ending `task` has nothing left to wait for (the root waits for every task). */
export function canFinalize(run: TaskRun, task: Task<unknown>): boolean {
  if (task === run.root) return run.live.size === 1
  return task.children === null || task.children.size === 0
}

/** The task finished: record its outcome, tell its waiters, and finish parents that waited on it. */
export function finalize(run: TaskRun, first: Task<unknown>): void {
  let task: Task<unknown> | null = first
  while (task !== null) task = finalizeOne(run, task)
}

function finalizeOne(run: TaskRun, task: Task<unknown>): Task<unknown> | null {
  if (task.state >= S_DONE) return null
  let ok = task.settledOk
  let value = task.settledValue
  let state: number
  if (task.state === S_NEW || (ok && task.cancelRequested)) {
    ok = false
    value = task.cancelError
    state = S_CANCELLED
  } else if (ok) state = S_DONE
  else
    state =
      value instanceof TaskCancelledError || value instanceof StopError ? S_CANCELLED : S_FAILED
  task.state = state
  task.settledOk = ok
  task.settledValue = value
  if (run.trace !== null) run.trace.ended(task)
  const root = run.root
  if (state === S_FAILED && task !== root) stampEscape(task, value)
  // Only a failure crossing from the task reads its spawn site again (cancellations are
  // never enriched): the handles a program keeps after the tasks ended (W4 keeps 100,000)
  // then hold no captured stack.
  if (state !== S_FAILED) task.spawnSite = null
  task.k = null
  task.blocker = null
  task.pending = null
  task.incoming = null
  run.live.delete(task)
  // Observed: a waiter takes the result, or a gather/race that cancelled the task takes
  // its failure onto the error it throws (as `suppressed`).
  const awaited = isAwaited(task) || (state === S_FAILED && isAbsorbed(task, value))
  const joins = task.joins
  task.joins = null
  if (joins !== null) for (const link of joins) link.join.settled(task, link.index)
  if (state === S_FAILED && !awaited && task !== root) orphaned(run, task, value)
  if (task === root) {
    run.rootFinished()
    return null
  }
  const parent = task.parent!
  if (!task.daemon && parent.children !== null) {
    parent.children.delete(task)
    if (parent.state === S_ENDING && parent.children.size === 0) return parent
  }
  if (root.state === S_ENDING && run.live.size === 1) return root
  return null
}

/** A failure nobody waited for: into the parent, or for a daemon to `onDaemonError`/the root. */
function orphaned(run: TaskRun, task: Task<unknown>, error: unknown): void {
  if (!task.daemon) {
    const parent = task.parent!
    interrupt(run, parent, crossInto(parent, task, error), error)
    return
  }
  const report = run.onDaemonError
  if (report === undefined) {
    interrupt(run, run.root, crossInto(run.root, task, error), error)
    return
  }
  try {
    report(error, task)
  } catch (thrown) {
    interrupt(run, run.root, RESUME_THROW, thrown)
  }
}

/**
 * Cancels every unfinished task but `spare`. A task already cancelled is left to its
 * cleanup (never cut short), unless `stuck`: its cleanup blocked with nothing left to
 * wake it, so it gets `error` thrown in instead.
 */
export function interruptAll(
  run: TaskRun,
  error: unknown,
  spare: Task<unknown> | null = null,
  stuck = false,
): void {
  for (const task of [...run.live]) {
    if (task === spare || task.state === S_ENDING || task.state >= S_DONE) continue
    if (!cancelTask(run, task, true) && stuck && task.state < S_DONE)
      interrupt(run, task, RESUME_THROW, error, true)
  }
}

/**
 * How a failure of `input` is thrown into `receiver`: the first time it crosses, it is
 * enriched there (the receiver's boundary is added, and the sender's if the error never
 * got it); later deliveries of the same failure are plain throws.
 */
export function crossInto(receiver: Task<unknown>, input: Waitable, error: unknown): number {
  if (input.crossed || error === null || typeof error !== "object" || error instanceof Interrupt) {
    return RESUME_THROW
  }
  input.crossed = true
  const entry = { error, from: input instanceof Task ? input : null }
  if (receiver.incoming === null) receiver.incoming = [entry]
  else receiver.incoming.push(entry)
  return RESUME_ENRICH
}

/**
 * Ends every live task cancelled, without running any of it again (the run is abandoned).
 * Returns the tasks whose continuation was still held, with it, newest first (children
 * before their parents): what is left to close.
 */
export function abandonAll(
  live: Set<Task<unknown>>,
): { readonly task: Task<unknown>; readonly k: Continuation<unknown> }[] {
  const held: { readonly task: Task<unknown>; readonly k: Continuation<unknown> }[] = []
  for (const task of live) {
    task.blocker?.detach()
    if (task.k !== null) held.push({ task, k: task.k })
    task.state = S_CANCELLED
    task.settledOk = false
    task.settledValue = task.cancelError ?? cancellationOf(task.id, task.name)
    task.k = null
    task.blocker = null
    task.pending = null
    task.joins = null
  }
  live.clear()
  return held.reverse()
}
