import {
  AwaitExternal,
  fn,
  type HandlerDef,
  type Program,
  withHandlers,
  type Yielded,
} from "@effvm/vm-core"
import { SchedulerEffect } from "./effect.js"

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
    /** Errors thrown into the task after its body ended (see TaskMain). */
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

const TASK_NEW = 0 // not started: the first step yields the program
const TASK_BODY = 1 // the program runs
const TASK_ENDING = 2 // the outcome is reported (TaskEnded), again after every late error
const TASK_CLOSED = 3 // closed by the machine (`return()`) or failed to start

/**
 * Every spawned task runs its program inside this one, directly on the scheduler's prompt,
 * with the handlers that were between the scheduler and the spawn site (`between`,
 * outermost first) around the program: it takes the outcome and reports it with
 * `TaskEnded`, which the scheduler never answers (nothing is left to run in this task).
 *
 * The machine may preempt the task just before that perform, and an interruption (a
 * cancellation, a child's failure) may then be thrown here: it is kept and reported with
 * the outcome (`late`), so nothing ever escapes a task.
 *
 * It is the generator protocol written by hand, a task's first frame (tasks.ts in vm-core
 * takes it): the machine steps it like a generator, but the program's failure reaches it
 * as a `throw(error)` call instead of a JS throw into a generator (about 0.2-0.4 µs per
 * failed or cancelled task), and a task carries no generator, register file or program of
 * its own for it. Hidden from tracebacks like the scheduler's other programs (its frame
 * has no program definition).
 */
export class TaskMain implements Iterator<Yielded, never, unknown> {
  #state = TASK_NEW
  #body: Program<unknown> | null
  #between: readonly HandlerDef[] | null
  #ok = true
  #value: unknown = undefined
  #late: unknown[] | null = null

  constructor(body: Program<unknown>, between: readonly HandlerDef[] | null) {
    this.#body = body
    this.#between = between
  }

  [Symbol.iterator](): this {
    return this
  }

  /** The program first (the machine runs it as a child frame), then TaskEnded. */
  next(value?: unknown): IteratorResult<Yielded, never> {
    switch (this.#state) {
      case TASK_NEW: {
        const body = this.#body!
        const between = this.#between
        this.#body = null
        this.#between = null
        this.#state = TASK_BODY
        // The handlers between the scheduler and the spawn site are installed here, inside
        // this frame: one that resumes non-tail sees the task's final value, and its frame
        // has ended before TaskEnded (nothing of the task is left to drop).
        return step(between === null ? body : withHandlers(between, body))
      }
      case TASK_BODY:
        return this.#ended(true, value)
      case TASK_ENDING:
        return this.#report()
      default:
        return { done: true, value: undefined as never }
    }
  }

  /** The program failed (or an interruption came after its end): reported, never rethrown. */
  throw(error: unknown): IteratorResult<Yielded, never> {
    switch (this.#state) {
      case TASK_BODY:
        return this.#ended(false, error)
      case TASK_ENDING:
        if (this.#late === null) this.#late = [error]
        else this.#late.push(error)
        return this.#report()
      default:
        // Like a generator that has not started or has finished: the error passes through.
        this.#state = TASK_CLOSED
        throw error
    }
  }

  /** Closed by the machine: nothing to clean up (no `finally` here). */
  return(value?: unknown): IteratorResult<Yielded, never> {
    this.#state = TASK_CLOSED
    this.#body = null
    this.#between = null
    return { done: true, value: value as never }
  }

  #ended(ok: boolean, value: unknown): IteratorResult<Yielded, never> {
    this.#state = TASK_ENDING
    this.#ok = ok
    this.#value = value
    return this.#report()
  }

  #report(): IteratorResult<Yielded, never> {
    return step(new TaskEnded(this.#ok, this.#value, this.#late))
  }
}

// One result object for every TaskMain step: the machine (or the root's `yield*`) reads it
// before any other step can run, like vm-core's shared cursor results.
const stepResult: { done: false; value: Yielded } = { done: false, value: undefined as never }

function step(value: Yielded): IteratorResult<Yielded, never> {
  stepResult.value = value
  return stepResult
}

/**
 * The root task's program: it starts the run (RootStart), then runs the body like every
 * task (`TaskMain`).
 */
export const rootMain = fn(function* rootMain(
  body: Program<unknown>,
): Generator<Yielded, unknown, unknown> {
  yield new RootStart()
  return yield* new TaskMain(body, null)
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
