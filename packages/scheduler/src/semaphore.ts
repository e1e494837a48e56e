import { type Continuation, Transfer, TransferThrow } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import type { SchedulerPort } from "./port.js"
import { Fifo } from "./queues.js"
import type { Task } from "./task.js"
import { RESUME_VALUE } from "./task-state.js"
import type { Blocker } from "./wait-types.js"

/**
 * A counting semaphore between tasks, made by `createSemaphore(n)`. `acquire` takes a
 * permit or waits for one (FIFO); `release` hands a permit to the longest waiter, or back
 * to the pool. It belongs to the scheduler run that made it.
 *
 * @example
 * ```ts
 * const pool: Semaphore = yield* createSemaphore(2) // at most two downloads at once
 * ```
 */
export class Semaphore {
  /** @internal permits in the pool. */ available: number
  /** @internal tasks waiting for a permit, oldest first (interrupted ones are skipped). */
  readonly queue = new Fifo<AcquireWait>()

  /** @internal */
  constructor(
    /** @internal the scheduler run that owns it. */
    readonly owner: SchedulerPort,
    /** The semaphore's number within its scheduler run. */
    readonly id: number,
    /** How many permits it has in all. */
    readonly permits: number,
  ) {
    this.available = permits
  }

  /** Permits free right now. */
  get free(): number {
    return this.available
  }

  /** `semaphore #1`, as messages name it. */
  toString(): string {
    return `semaphore #${this.id}`
  }

  /**
   * @internal Returns one permit: to the oldest waiter (it becomes ready holding it), else
   * to the pool. False when every permit is already free (one release too many).
   */
  handBack(): boolean {
    for (let wait = this.queue.shift(); wait !== undefined; wait = this.queue.shift()) {
      if (wait.detached) continue
      wait.detached = true
      this.owner.makeReady(wait.task, RESUME_VALUE, undefined)
      // Until it runs, the permit is returned if the task is interrupted (docs/semantics.md §7).
      wait.task.heldPermit = this
      return true
    }
    if (this.available >= this.permits) return false
    this.available++
    return true
  }
}

/** A task waiting in `acquire`. */
class AcquireWait implements Blocker {
  detached = false
  readonly defersInterrupts = false

  constructor(
    readonly semaphore: Semaphore,
    readonly task: Task<unknown>,
  ) {}

  detach(): void {
    this.detached = true
  }

  describe(): string {
    const s = this.semaphore
    return `acquires ${s} (${s.available} of ${s.permits} permits free)`
  }
}

class CreateSemaphore extends SchedulerEffect<Semaphore> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `createSemaphore(${this.permits})`
  }

  constructor(readonly permits: number) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>): unknown {
    return Transfer(k, new Semaphore(s, s.nextSemaphoreId++, this.permits))
  }
}

class Acquire extends SchedulerEffect<void> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `acquire(${this.semaphore})`
  }

  constructor(readonly semaphore: Semaphore) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    const semaphore = this.semaphore
    if (semaphore.owner !== s) {
      return TransferThrow(
        k,
        new TypeError(`acquire(${semaphore}): it belongs to another scheduler run.`),
      )
    }
    if (semaphore.available > 0) {
      semaphore.available--
      return Transfer(k, undefined)
    }
    const wait = new AcquireWait(semaphore, task)
    semaphore.queue.push(wait)
    return s.block(task, k, wait)
  }
}

class Release extends SchedulerEffect<void> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `release(${this.semaphore})`
  }

  constructor(readonly semaphore: Semaphore) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>): unknown {
    const semaphore = this.semaphore
    if (semaphore.owner !== s) {
      return TransferThrow(
        k,
        new TypeError(`release(${semaphore}): it belongs to another scheduler run.`),
      )
    }
    if (!semaphore.handBack()) {
      return TransferThrow(
        k,
        new Error(
          `release(${semaphore}): all ${semaphore.permits} permits are already free; release() was called more often than acquire().`,
        ),
      )
    }
    return Transfer(k, undefined)
  }
}

/**
 * Makes a semaphore with `permits` permits (a non-negative integer).
 *
 * @example
 * ```ts
 * const pool = yield* createSemaphore(3)
 * ```
 */
export function createSemaphore(permits: number): SchedulerEffect<Semaphore> {
  if (!Number.isInteger(permits) || permits < 0) {
    throw new TypeError(
      `createSemaphore(permits) expects a non-negative integer, got ${describeInput(permits)}`,
    )
  }
  return new CreateSemaphore(permits)
}

/**
 * Takes a permit, waiting (FIFO) until one is free. A task cancelled while waiting, or
 * after a permit was handed to it but before it ran, gives the permit back.
 *
 * @example
 * ```ts
 * yield* acquire(pool)
 * try {
 *   yield* download(url)
 * } finally {
 *   yield* release(pool)
 * }
 * ```
 */
export function acquire(semaphore: Semaphore): SchedulerEffect<void> {
  checkSemaphore(semaphore, "acquire")
  return new Acquire(semaphore)
}

/**
 * Returns a permit: the longest-waiting task gets it, else it goes back to the pool.
 * Releasing when every permit is already free throws an `Error`.
 *
 * @example
 * ```ts
 * yield* release(pool)
 * ```
 */
export function release(semaphore: Semaphore): SchedulerEffect<void> {
  checkSemaphore(semaphore, "release")
  return new Release(semaphore)
}

function checkSemaphore(semaphore: unknown, op: string): void {
  if (!(semaphore instanceof Semaphore)) {
    throw new TypeError(
      `${op}() expects a semaphore made by createSemaphore(), got ${describeInput(semaphore)}`,
    )
  }
}
