import {
  AwaitExternal,
  type Continuation,
  Control,
  fn,
  type HandlerDef,
  type Program,
  withHandlers,
  type Yielded,
} from "@effvm/vm-core"
import { releaseEnded } from "@effvm/vm-core/internal"
import { SchedulerEffect } from "./effect.js"
import type { Scheduler } from "./scheduler.js"
import type { Task } from "./task.js"

/**
 * The scheduler's own machinery: the program every task runs inside, the idle program that
 * parks the machine, and the effects they perform. None of it is exported.
 */

/** Performed by the root task first: the scheduler makes its idle continuation from it. */
export class RootStart extends SchedulerEffect<void> {
  override get suspends(): boolean {
    return false
  }
  apply(s: Scheduler, k: Continuation<unknown>): unknown {
    return s.rootStarted(k)
  }
}

/** A task's body ended; the scheduler records the outcome and never resumes this perform. */
export class TaskEnded extends SchedulerEffect<never> {
  constructor(
    readonly ok: boolean,
    readonly value: unknown,
    /** Errors thrown into the task after its body ended (see taskMain). */
    readonly late: readonly unknown[] | null,
  ) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: Scheduler, k: Continuation<unknown>): unknown {
    const next = s.taskEnded(this.ok, this.value, this.late)
    // Switching to another task: this perform is never resumed and closes nothing, so the
    // machine need not hold it (and the ended task's frames) until the run ends.
    if (next instanceof Control && next.k !== null && next.k !== k) releaseEnded(k)
    return next
  }
}

/** The idle program asks what to wait on: a promise, or `null` to ask again. */
export class Idle extends SchedulerEffect<Promise<void> | null> {
  override get suspends(): boolean {
    return false
  }
  apply(s: Scheduler, k: Continuation<unknown>): unknown {
    return s.idle(k)
  }
}

/**
 * The idle program's wait: its own scheduler passes it on, so the machine parks, or an outer
 * scheduler parks just the task this scheduler runs in (to that one it is any AwaitExternal).
 */
export class ParkOn extends AwaitExternal<void> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return "awaitPromise(promise)"
  }

  constructor(
    signal: Promise<void>,
    readonly owner: Scheduler,
  ) {
    super(signal)
  }
}

/** Parking failed (under `run`, which cannot wait): the run faults with this error. */
export class ParkFailed extends SchedulerEffect<void> {
  constructor(readonly error: unknown) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: Scheduler, k: Continuation<unknown>): unknown {
    return s.parkFailed(this.error, k)
  }
}

/**
 * Every task runs its program inside this one, directly on the scheduler's prompt, with the
 * handlers that were between the scheduler and the spawn site (`between`, outermost first)
 * around the program: it catches the outcome and reports it with
 * `TaskEnded`, which the scheduler never answers (nothing is left to run in this task).
 *
 * The machine may preempt the task just before that perform, and an interruption (a
 * cancellation, a child's failure) may then be thrown here: it is caught and reported
 * with the outcome, so nothing ever escapes a task.
 */
export const taskMain = fn(function* taskMain(
  task: Task<unknown>,
  body: Program<unknown>,
  between: readonly HandlerDef[] | null,
): Generator<Yielded, never, unknown> {
  if (task.parent === null) yield* new RootStart()
  let ok = true
  let value: unknown
  try {
    // The handlers between the scheduler and the spawn site are installed here, inside this
    // wrapper: one that resumes non-tail sees the task's final value, and its frame has
    // ended before TaskEnded (nothing of the task is left to drop).
    value = yield* between === null ? body : withHandlers(between, body)
  } catch (error) {
    ok = false
    value = error
  }
  let late: unknown[] | null = null
  for (;;) {
    try {
      return yield* new TaskEnded(ok, value, late)
    } catch (error) {
      if (late === null) late = [error]
      else late.push(error)
    }
  }
})

/**
 * The idle continuation: when no task is ready, the scheduler transfers here with a
 * promise that settles when something can go on, and this program waits on it outside the
 * scheduler (the machine parks, or an outer scheduler parks its task).
 */
export const schedulerIdle = fn(function* schedulerIdle(
  owner: Scheduler,
): Generator<Yielded, never, unknown> {
  for (;;) {
    const signal = yield* new Idle()
    if (signal === null || signal === undefined) continue
    try {
      yield* new ParkOn(signal, owner)
    } catch (error) {
      yield* new ParkFailed(error)
    }
  }
})
