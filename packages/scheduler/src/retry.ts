import {
  type Continuation,
  fn,
  Interrupt,
  Program,
  Transfer,
  type Untracked,
  type Yielded,
} from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import type { SchedulerPort } from "./port.js"
import { sleep } from "./sleep.js"

/**
 * A growing delay between retries, made by `backoff({ base, factor?, max?, jitter? })`:
 * the delay after failed attempt n (counting from 0) is `min(max, base · factorⁿ)`,
 * multiplied by a factor drawn uniformly from `[1 − jitter, 1 + jitter]`.
 *
 * @example
 * ```ts
 * const policy: Backoff = backoff({ base: 100, factor: 2, max: 5_000, jitter: 0.2 })
 * ```
 */
export class Backoff {
  /** @internal */
  constructor(
    /** The first delay, in milliseconds. */
    readonly base: number,
    /** What each delay is multiplied by for the next one (default 2). */
    readonly factor: number,
    /** The longest delay, before jitter (default: no limit). */
    readonly max: number,
    /** The spread of the random factor, a fraction in [0, 1] (default 0: no jitter). */
    readonly jitter: number,
  ) {}

  /** The delay after failed attempt `n` (from 0), before jitter. */
  delayBefore(n: number): number {
    return Math.min(this.max, this.base * this.factor ** n)
  }

  /** `backoff(100 ms × 2, max 5000 ms, jitter 0.2)`, as messages name it. */
  toString(): string {
    const max = Number.isFinite(this.max) ? `, max ${this.max} ms` : ""
    const jitter = this.jitter > 0 ? `, jitter ${this.jitter}` : ""
    return `backoff(${this.base} ms × ${this.factor}${max}${jitter})`
  }
}

/**
 * The options of {@link backoff}.
 *
 * @example
 * ```ts
 * const options: BackoffOptions = { base: 50, factor: 3, max: 2_000, jitter: 0.1 }
 * ```
 */
export interface BackoffOptions {
  /** The first delay, in milliseconds. */
  readonly base: number
  /** Each delay is the previous one times `factor` (default 2). */
  readonly factor?: number
  /** No delay (before jitter) is longer than `max` milliseconds (default: no limit). */
  readonly max?: number
  /** A fraction in [0, 1]: each delay is multiplied by a factor drawn from [1 − jitter, 1 + jitter]. */
  readonly jitter?: number
}

/**
 * An exponential backoff for `retry`'s `delay`. Jitter is drawn from the run's random
 * source: seeded under `scheduled(body, { policy: { random: seed } })`, so a run with the
 * same seed (or a replay given it) waits exactly as long.
 *
 * @example
 * ```ts
 * yield* retry(fetchPage(url), { times: 5, delay: backoff({ base: 100, max: 2_000, jitter: 0.2 }) })
 * ```
 */
export function backoff(options: BackoffOptions): Backoff {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `backoff(options) expects { base, factor?, max?, jitter? }, got ${describeInput(options)}`,
    )
  }
  const { base, factor = 2, max = Number.POSITIVE_INFINITY, jitter = 0 } = options
  if (typeof base !== "number" || !Number.isFinite(base) || base < 0)
    throw new TypeError(
      `backoff({ base }): base must be a non-negative number of ms, got ${describeInput(base)}`,
    )
  if (typeof factor !== "number" || !Number.isFinite(factor) || factor < 1)
    throw new TypeError(
      `backoff({ factor }): factor must be a number ≥ 1, got ${describeInput(factor)}`,
    )
  if (typeof max !== "number" || Number.isNaN(max) || max < 0)
    throw new TypeError(
      `backoff({ max }): max must be a non-negative number of ms, got ${describeInput(max)}`,
    )
  if (typeof jitter !== "number" || !(jitter >= 0 && jitter <= 1))
    throw new TypeError(
      `backoff({ jitter }): jitter must be a fraction in [0, 1], got ${describeInput(jitter)}`,
    )
  return new Backoff(base, factor, max, jitter)
}

/**
 * The options of {@link retry}.
 *
 * @example
 * ```ts
 * const options: RetryOptions = {
 *   times: 3,
 *   delay: backoff({ base: 100 }),
 *   while: (error) => error instanceof NetworkError,
 * }
 * ```
 */
export interface RetryOptions {
  /** How many times to retry after the first attempt: at most `times + 1` attempts. */
  readonly times: number
  /** Milliseconds to wait after each failed attempt, or a {@link backoff} (default 0: none). */
  readonly delay?: number | Backoff
  /** Called with each failure (and the attempt number, from 1); false stops retrying. */
  readonly while?: (error: unknown, attempt: number) => boolean
}

/** Draws a jitter factor from the run's random source (the scheduler answers it). */
class DrawJitter extends SchedulerEffect<number> {
  constructor(readonly jitter: number) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>): unknown {
    return Transfer(k, 1 - this.jitter + 2 * this.jitter * s.random())
  }
  /** How messages and tracebacks show it: `jitter(0.2)`. */
  override toString(): string {
    return `jitter(${this.jitter})`
  }
}

const retryLoop = fn(function* retry(program: Program<unknown>, options: RetryOptions) {
  const { times, delay = 0 } = options
  const again = options.while
  for (let attempt = 1; ; attempt++) {
    try {
      return yield* program
    } catch (error) {
      // A cancellation (any Interrupt: a stop, a scope's cancellation) is never retried.
      if (error instanceof Interrupt) throw error
      if (attempt > times) throw error
      if (again !== undefined && !again(error, attempt)) throw error
      const ms = yield* delayAfter(delay, attempt - 1)
      if (ms > 0) yield* sleep(ms)
    }
  }
})

function* delayAfter(delay: number | Backoff, n: number): Generator<Yielded, number, unknown> {
  if (typeof delay === "number") return delay
  const ms = delay.delayBefore(n)
  if (delay.jitter === 0 || ms === 0) return ms
  return ms * ((yield* new DrawJitter(delay.jitter)) as number)
}

/**
 * Runs `program`, and runs it again when it fails, at most `times` more times (at most
 * `times + 1` attempts); the error of the last attempt is the one thrown. After a failed
 * attempt it waits `delay` (milliseconds, or a {@link backoff}) on the scheduler clock,
 * then tries again; no delay follows the last attempt or a failure that `while` says not
 * to retry. A cancellation (an `Interrupt`) is never retried. Without a delay it needs no
 * scheduler.
 *
 * @example
 * ```ts
 * const page = yield* retry(fetchPage(url), {
 *   times: 3,
 *   delay: backoff({ base: 100, factor: 2, jitter: 0.1 }),
 *   while: (error) => !(error instanceof NotFoundError),
 * })
 * ```
 */
export function retry<T, E = Untracked>(
  program: Program<T, E>,
  options: RetryOptions & { readonly delay: number | Backoff },
): Program<T, E | SchedulerEffect<T>>
export function retry<T, E = Untracked>(
  program: Program<T, E>,
  options: RetryOptions,
): Program<T, E>
export function retry<T>(program: Program<T>, options: RetryOptions): Program<T> {
  if (!(program instanceof Program)) {
    throw new TypeError(
      `retry(program, options) expects a program as its first argument, got ${describeInput(program)}`,
    )
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `retry(program, options) expects { times, delay?, while? }, got ${describeInput(options)}`,
    )
  }
  const { times, delay, while: again } = options
  if (!Number.isInteger(times) || times < 0)
    throw new TypeError(
      `retry(program, { times }): times must be a non-negative integer (retries after the first attempt), got ${describeInput(times)}`,
    )
  if (
    delay !== undefined &&
    !(delay instanceof Backoff) &&
    !(typeof delay === "number" && Number.isFinite(delay) && delay >= 0)
  )
    throw new TypeError(
      `retry(program, { delay }): delay must be a non-negative number of ms or a backoff({ ... }), got ${describeInput(delay)}`,
    )
  if (again !== undefined && typeof again !== "function")
    throw new TypeError(
      `retry(program, { while }): while must be a function (error, attempt) => boolean, got ${describeInput(again)}`,
    )
  return retryLoop(program, options) as Program<T>
}
