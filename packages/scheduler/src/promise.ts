import { type Continuation, Transfer, TransferThrow } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import type { SchedulerPort } from "./port.js"
import type { Task } from "./task.js"
import type { JoinLink, Waitable } from "./wait-types.js"

/**
 * A promise between tasks: one task completes (or fails) it, any number wait on it with
 * `wait`, `gather` or `race`. It settles once. Made by `createPromise()`; it belongs to
 * the scheduler run that made it.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const ready: SchedulerPromise<string> = yield* createPromise<string>()
 *   yield* spawn(program(function* producer() { yield* completePromise(ready, "go") }))
 *   return yield* wait(ready) // "go"
 * })
 * ```
 */
export class SchedulerPromise<T = unknown> implements Waitable {
  /** @hidden phantom: the type of the value. */
  declare readonly effvmResult?: T
  /** @internal Waitable */ finished = false
  /** @internal Waitable */ settledOk = false
  /** @internal Waitable */ settledValue: unknown = undefined
  /** @internal Waitable */ joins: JoinLink[] | null = null
  /** @internal Waitable */ crossed = false

  /** @internal */
  constructor(
    /** @internal the scheduler run that owns it. */
    readonly owner: object,
    /** The promise's number within its scheduler run. */
    readonly id: number,
    /** @internal the task that created it. */
    readonly creator: Task<unknown> | null,
  ) {}

  /** `"pending"` until completed or failed. */
  get status(): "pending" | "completed" | "failed" {
    return !this.finished ? "pending" : this.settledOk ? "completed" : "failed"
  }

  /** `promise #2`, as messages name it. */
  toString(): string {
    return `promise #${this.id}`
  }

  /** @internal Waitable */
  describe(): string {
    return this.creator === null ? String(this) : `${this} (created by ${this.creator})`
  }
}

class CreatePromise<T> extends SchedulerEffect<SchedulerPromise<T>> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return "createPromise()"
  }

  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    return Transfer(k, new SchedulerPromise<T>(s, s.nextPromiseId++, task))
  }
}

class SettlePromise extends SchedulerEffect<void> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `${this.ok ? "completePromise" : "failPromise"}(${this.promise})`
  }

  constructor(
    readonly promise: SchedulerPromise<unknown>,
    readonly ok: boolean,
    readonly value: unknown,
  ) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>): unknown {
    const promise = this.promise
    const op = this.ok ? "completePromise" : "failPromise"
    if (promise.owner !== s) {
      return TransferThrow(
        k,
        new TypeError(`${op}(${promise}): the promise belongs to another scheduler run.`),
      )
    }
    if (promise.finished) {
      return TransferThrow(
        k,
        new Error(
          `${op}(${promise}): the promise was already ${promise.status}; a promise settles once.`,
        ),
      )
    }
    promise.finished = true
    promise.settledOk = this.ok
    promise.settledValue = this.value
    const joins = promise.joins
    promise.joins = null
    if (joins !== null) for (const link of joins) link.join.settled(promise, link.index)
    return Transfer(k, undefined)
  }
}

/**
 * Makes a new pending promise between tasks.
 *
 * @example
 * ```ts
 * const done = yield* createPromise<number>()
 * ```
 */
export function createPromise<T = unknown>(): SchedulerEffect<SchedulerPromise<T>> {
  return new CreatePromise<T>()
}

/**
 * Completes a promise with `value`: every task waiting on it goes on. Settling a promise
 * twice throws an `Error` at the second call.
 *
 * @example
 * ```ts
 * yield* completePromise(done, 42)
 * ```
 */
export function completePromise<T>(promise: SchedulerPromise<T>, value: T): SchedulerEffect<void> {
  checkPromise(promise, "completePromise")
  return new SettlePromise(promise, true, value)
}

/**
 * Fails a promise with `error`: every task waiting on it gets the error thrown. Settling a
 * promise twice throws an `Error` at the second call.
 *
 * @example
 * ```ts
 * yield* failPromise(done, new Error("upstream closed"))
 * ```
 */
export function failPromise(
  promise: SchedulerPromise<unknown>,
  error: unknown,
): SchedulerEffect<void> {
  checkPromise(promise, "failPromise")
  return new SettlePromise(promise, false, error)
}

function checkPromise(promise: unknown, op: string): void {
  if (!(promise instanceof SchedulerPromise)) {
    throw new TypeError(
      `${op}() expects a promise made by createPromise(), got ${describeInput(promise)}`,
    )
  }
}
