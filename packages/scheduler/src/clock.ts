/**
 * The scheduler's time source, chosen by `scheduled(body, { clock })`. `sleep(ms)`
 * measures against it.
 *
 * A clock with `advanceTo` is virtual: the scheduler moves it to the next timer when
 * every task waits on time. A clock without it is real: the scheduler waits on JS timers,
 * which needs `runAsync`.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => Date.now() } // a real clock in wall-clock ms
 * await runAsync(scheduled(main, { clock }))
 * ```
 */
export interface Clock {
  /** The current time in milliseconds. */
  now(): number
  /** Present on virtual clocks: moves time forward to `time` (never backwards). */
  advanceTo?(time: number): void
}

/**
 * The real clock (`performance.now()`): `sleep(ms)` waits on a JS timer, so runs that
 * sleep need `runAsync`. The default clock of `scheduled`.
 *
 * @example
 * ```ts
 * await runAsync(scheduled(main, { clock: realClock }))
 * ```
 */
export const realClock: Clock = Object.freeze({
  now: () => performance.now(),
})

/**
 * A clock that only moves when the scheduler says so: when every task waits on time, it
 * jumps to the next timer. Time-based programs then run instantly and deterministically,
 * also under the synchronous `run`. Tasks wake in time order, FIFO among equal times.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock()
 * const main = program(function* main() {
 *   yield* sleep(60 * 60 * 1000) // an hour, instantly
 *   return clock.now()
 * })
 * run(scheduled(main, { clock })) // 3600000
 * ```
 */
export class VirtualClock implements Clock {
  #now: number

  /** Starts at `start` milliseconds (default 0). */
  constructor(start = 0) {
    if (!Number.isFinite(start))
      throw new TypeError(`VirtualClock(start): start must be a finite number, got ${start}`)
    this.#now = start
  }

  /** The current virtual time in milliseconds. */
  now(): number {
    return this.#now
  }

  /** Moves the clock forward to `time`; earlier times are ignored (time never goes back). */
  advanceTo(time: number): void {
    if (time > this.#now) this.#now = time
  }
}
