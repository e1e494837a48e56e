import {
  AwaitExternal,
  fn,
  type HandlerDef,
  type Program,
  withHandlers,
  type Yielded,
} from "@effvm/vm-core"
import { SchedulerEffect } from "./effect.js"
import type { Task } from "./task.js"

/**
 * The scheduler's own machinery: the program every task runs inside, the idle program that
 * parks the machine, and the effects they perform. None of it is exported.
 */

/**
 * The effects of the scheduler's own machinery. The run answers them itself (scheduler.ts,
 * by `kind`), not through the port the other effects see: they start the run, end a task
 * and park the machine.
 */
export abstract class RunControl<R> extends SchedulerEffect<R> {
  abstract readonly kind: RunControlEffect["kind"]
  override get suspends(): boolean {
    return false
  }
  apply(): never {
    throw new Error(`${this.constructor.name} is answered by its scheduler run, never applied`)
  }
}

/** Every effect of the scheduler's machinery, for an exhaustive switch on `kind`. */
export type RunControlEffect = RootStart | TaskEnded | Idle | ParkFailed

/** Performed by the root task first: the scheduler makes its idle continuation from it. */
export class RootStart extends RunControl<void> {
  readonly kind = "root-start"
}

/** A task's body ended; the scheduler records the outcome and never resumes this perform. */
export class TaskEnded extends RunControl<never> {
  readonly kind = "task-ended"
  constructor(
    readonly ok: boolean,
    readonly value: unknown,
    /** Errors thrown into the task after its body ended (see taskMain). */
    readonly late: readonly unknown[] | null,
  ) {
    super()
  }
}

/** The idle program asks what to wait on: a promise, or `null` to ask again. */
export class Idle extends RunControl<Promise<void> | null> {
  readonly kind = "idle"
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
    /** The scheduler run whose idle program waits. */
    readonly owner: object,
  ) {
    super(signal)
  }
}

/** Parking failed (under `run`, which cannot wait): the run faults with this error. */
export class ParkFailed extends RunControl<void> {
  readonly kind = "park-failed"
  constructor(readonly error: unknown) {
    super()
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
    // A plain `yield` of the program (the machine runs it like `yield*`): an error it
    // throws is thrown into this generator at the yield itself, without the rethrow that
    // `yield*` makes through the program's iterator (a JS throw costs ~0.2 µs, and every
    // cancelled task's TaskCancelledError comes through here).
    value = yield between === null ? body : withHandlers(between, body)
  } catch (error) {
    ok = false
    value = error
  }
  let late: unknown[] | null = null
  for (;;) {
    try {
      yield new TaskEnded(ok, value, late)
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
  owner: object,
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
