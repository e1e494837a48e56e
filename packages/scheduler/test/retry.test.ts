import { Interrupt, program, run, type Yielded } from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { backoff, cancel, now, retry, scheduled, sleep, spawn, VirtualClock } from "../src/index.js"
import { runVirtual, thrownBy } from "./helpers.js"

/** Fails its first `failures` attempts, recording the clock time of each attempt. */
function flaky(failures: number, times: number[]) {
  return program(function* flakyCall(): Generator<Yielded, string, unknown> {
    times.push(yield* now())
    if (times.length <= failures) throw new Error(`attempt ${times.length} failed`)
    return `ok after ${times.length}`
  })
}

/** The same, with no scheduler effects (retry without a delay needs no scheduler). */
function flakyPure(failures: number, count: { n: number }) {
  return program(function* flakyPure(): Generator<Yielded, string, unknown> {
    count.n++
    if (count.n <= failures) throw new Error(`attempt ${count.n} failed`)
    return "ok"
  })
}

describe("retry", () => {
  it("evaluates to the value of the first attempt that succeeds", () => {
    const times: number[] = []
    expect(runVirtual(retry(flaky(2, times), { times: 3 }))).toBe("ok after 3")
  })

  it("throws the last attempt's error after times + 1 attempts", () => {
    const count = { n: 0 }
    const error = thrownBy(() => run(retry(flakyPure(10, count), { times: 2 })))
    expect((error as Error).message).toBe("attempt 3 failed")
    expect(count.n).toBe(3)
  })

  it("waits the delay after each failed attempt, and none after the last", () => {
    const times: number[] = []
    const end = runVirtual(
      program(function* main() {
        try {
          yield* retry(flaky(10, times), { times: 2, delay: 100 })
        } catch {}
        return yield* now()
      }),
    )
    expect(times).toEqual([0, 100, 200])
    expect(end).toBe(200)
  })

  it("starts each delay when an attempt fails", () => {
    const times: number[] = []
    const slowFailure = program(function* slowFailure() {
      times.push(yield* now())
      yield* sleep(30)
      throw new Error("slow failure")
    })
    thrownBy(() => runVirtual(retry(slowFailure, { times: 2, delay: 10 })))
    expect(times).toEqual([0, 40, 80])
  })

  it("grows the delay by the backoff's factor up to its max", () => {
    const times: number[] = []
    thrownBy(() =>
      runVirtual(
        retry(flaky(10, times), { times: 5, delay: backoff({ base: 10, factor: 3, max: 100 }) }),
      ),
    )
    // delays 10, 30, 90, 100, 100
    expect(times).toEqual([0, 10, 40, 130, 230, 330])
  })

  it("stops at once, with no delay, when while says not to retry", () => {
    const times: number[] = []
    const seen: number[] = []
    const end = runVirtual(
      program(function* main() {
        try {
          yield* retry(flaky(10, times), {
            times: 5,
            delay: 50,
            while: (_error, attempt) => {
              seen.push(attempt)
              return attempt < 2
            },
          })
        } catch {}
        return yield* now()
      }),
    )
    expect(seen).toEqual([1, 2])
    expect(times).toEqual([0, 50])
    expect(end).toBe(50)
  })

  it("never retries a cancellation", () => {
    let attempts = 0
    const longCall = program(function* longCall() {
      attempts++
      yield* sleep(1_000)
    })
    runVirtual(
      program(function* main() {
        const t = yield* spawn(retry(longCall, { times: 5 }))
        yield* sleep(10)
        yield* cancel(t)
      }),
    )
    expect(attempts).toBe(1)
  })

  it("never retries an Interrupt the program throws", () => {
    const count = { n: 0 }
    class Shutdown extends Interrupt {}
    const stopping = program(function* stopping() {
      count.n++
      throw new Shutdown("shutting down")
    })
    expect(thrownBy(() => run(retry(stopping, { times: 3 })))).toBeInstanceOf(Shutdown)
    expect(count.n).toBe(1)
  })

  it("draws jitter within [1 - jitter, 1 + jitter] of each delay", () => {
    const times: number[] = []
    thrownBy(() =>
      run(
        scheduled(
          retry(flaky(10, times), {
            times: 6,
            delay: backoff({ base: 100, factor: 1, jitter: 0.5 }),
          }),
          {
            clock: new VirtualClock(),
            policy: { random: 3 },
          },
        ),
      ),
    )
    const delays = times.slice(1).map((t, i) => t - times[i]!)
    expect(delays).toHaveLength(6)
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(50)
      expect(d).toBeLessThanOrEqual(150)
    }
    expect(new Set(delays).size).toBeGreaterThan(1)
  })

  it("repeats the same jitter under the same seed, and under a replay given the seed", () => {
    const jittered = (policy: Parameters<typeof scheduled>[1]) => {
      const times: number[] = []
      let log: readonly number[] = []
      thrownBy(() =>
        run(
          scheduled(
            program(function* main() {
              const a = yield* spawn(
                retry(flaky(10, times), { times: 3, delay: backoff({ base: 40, jitter: 1 }) }),
              )
              const b = yield* spawn(
                retry(flaky(10, []), { times: 3, delay: backoff({ base: 40, jitter: 1 }) }),
              )
              yield* sleep(10_000)
              yield* cancel(a)
              yield* cancel(b)
              throw new Error("done")
            }),
            {
              clock: new VirtualClock(),
              ...policy,
              onChoices: (l) => {
                log = l
              },
            },
          ),
        ),
      )
      return { times, log }
    }
    const first = jittered({ policy: { random: 11 } })
    const again = jittered({ policy: { random: 11 } })
    const replayed = jittered({ policy: { replay: first.log, random: 11 } })
    expect(again.times).toEqual(first.times)
    expect(replayed.times).toEqual(first.times)
    expect(jittered({ policy: { random: 12 } }).times).not.toEqual(first.times)
  })

  it("rejects bad options with a TypeError naming the value", () => {
    const p = flakyPure(0, { n: 0 })
    expect(() => retry(p, { times: -1 })).toThrow(/times must be a non-negative integer.*got -1/)
    expect(() => retry(p, { times: 1, delay: -5 })).toThrow(/delay must be .* got -5/)
    expect(() => retry(p, { times: 1, while: 3 as never })).toThrow(/while must be a function/)
    expect(() => retry(flakyPure as never, { times: 1 })).toThrow(/expects a program/)
    expect(() => backoff({ base: 10, jitter: 2 })).toThrow(
      /jitter must be a fraction in \[0, 1\], got 2/,
    )
    expect(() => backoff({ base: 10, factor: 0.5 })).toThrow(/factor must be a number ≥ 1/)
  })
})

describe("retry properties", () => {
  it("makes min(failures + 1, times + 1) attempts and fails exactly when failures > times", () => {
    fc.assert(
      fc.property(fc.nat(6), fc.nat(8), (times, failures) => {
        const count = { n: 0 }
        let ok = true
        try {
          run(retry(flakyPure(failures, count), { times }))
        } catch {
          ok = false
        }
        expect(count.n).toBe(Math.min(failures + 1, times + 1))
        expect(ok).toBe(failures <= times)
      }),
    )
  })
})
