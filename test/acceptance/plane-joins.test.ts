// docs/semantics.md §10 join policies: any(...) and gatherN(n, ...), and the precise rules on
// AggregateError contents and waiting for cancelled tasks' finally blocks.

import { any, gatherN, realClock, scheduled, sleep, spawn, VirtualClock } from "@effvm/scheduler"
import { type Program, program, run, runAsync } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

const go = <T>(body: Program<T>): T => run(scheduled(body, { clock: new VirtualClock() }))

function caught(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected a throw")
}

const succeedAfter = <T>(ms: number, value: T) =>
  program(function* succeed() {
    yield* sleep(ms)
    return value
  })

const failAfter = (ms: number, error: Error) =>
  program(function* fail() {
    yield* sleep(ms)
    throw error
  })

/** Succeeds (or never finishes) after a long time; its finally block sleeps, then logs. */
const slowLoser = (log: string[], name: string, ms = 1_000_000) =>
  program(function* loser() {
    try {
      yield* sleep(ms)
      return name
    } finally {
      yield* sleep(5)
      log.push(`${name} cleaned`)
    }
  })

describe("any(...)", () => {
  it("returns the first success, ignoring earlier failures", () => {
    const result = go(
      program(function* main() {
        return yield* any(
          failAfter(1, new Error("early failure")),
          succeedAfter(5, "b"),
          succeedAfter(10, "c"),
        )
      }),
    )
    expect(result).toBe("b")
  })

  it("cancels the rest and returns only after their finally blocks have finished", () => {
    const log: string[] = []
    go(
      program(function* main() {
        const winner = yield* any(slowLoser(log, "x"), succeedAfter(3, "fast"), slowLoser(log, "y"))
        log.push(`any returned ${winner}`)
      }),
    )
    expect(log.at(-1)).toBe("any returned fast")
    expect([...log].sort()).toEqual(["any returned fast", "x cleaned", "y cleaned"])
  })

  it("accepts tasks as well as programs", () => {
    const result = go(
      program(function* main() {
        const t = yield* spawn(succeedAfter(2, "task"))
        return yield* any(t, succeedAfter(9, "program"))
      }),
    )
    expect(result).toBe("task")
  })

  it("throws an AggregateError of every error in input order when all fail", () => {
    const e1 = new Error("first input, fails last")
    const e2 = new Error("second input, fails first")
    const e3 = new Error("third input")
    const error = caught(() =>
      go(
        program(function* main() {
          return yield* any(failAfter(30, e1), failAfter(10, e2), failAfter(20, e3))
        }),
      ),
    )
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).errors).toEqual([e1, e2, e3])
    expect((error as AggregateError).errors[0]).toBe(e1)
  })

  it("can be caught as an AggregateError by the caller", () => {
    const result = go(
      program(function* main() {
        try {
          return yield* any(failAfter(1, new Error("a")), failAfter(2, new Error("b")))
        } catch (error) {
          return (error as AggregateError).errors.map((e: Error) => e.message)
        }
      }),
    )
    expect(result).toEqual(["a", "b"])
  })
})

describe("gatherN(n, ...)", () => {
  it("returns the first n successes in completion order", () => {
    const result = go(
      program(function* main() {
        return yield* gatherN(
          2,
          succeedAfter(30, "a"),
          succeedAfter(10, "b"),
          succeedAfter(20, "c"),
        )
      }),
    )
    expect(result).toEqual(["b", "c"])
  })

  it("skips failures while n successes are still possible", () => {
    const result = go(
      program(function* main() {
        return yield* gatherN(
          2,
          failAfter(1, new Error("x")),
          succeedAfter(10, "b"),
          succeedAfter(20, "c"),
        )
      }),
    )
    expect(result).toEqual(["b", "c"])
  })

  it("cancels the rest and returns only after their finally blocks have finished", () => {
    const log: string[] = []
    go(
      program(function* main() {
        const got = yield* gatherN(
          2,
          slowLoser(log, "slow"),
          succeedAfter(1, "one"),
          succeedAfter(2, "two"),
          slowLoser(log, "slower"),
        )
        log.push(`gatherN returned ${got.join(",")}`)
      }),
    )
    expect(log.at(-1)).toBe("gatherN returned one,two")
    expect([...log].sort()).toEqual(["gatherN returned one,two", "slow cleaned", "slower cleaned"])
  })

  it("throws an AggregateError holding every failure so far, in input order, once fewer than n successes are possible", () => {
    const ea = new Error("a fails second")
    const eb = new Error("b fails first")
    const log: string[] = []
    const error = caught(() =>
      go(
        program(function* main() {
          try {
            return yield* gatherN(
              2,
              failAfter(10, ea),
              failAfter(5, eb),
              slowLoser(log, "c", 1_000),
            )
          } finally {
            log.push("gatherN left")
          }
        }),
      ),
    )
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).errors).toEqual([ea, eb])
    // the unfinished task was cancelled and had finished its finally block first
    expect(log).toEqual(["c cleaned", "gatherN left"])
  })

  it("does not include later failures in the AggregateError", () => {
    const ea = new Error("a")
    const eb = new Error("b")
    const ec = new Error("c, would fail later")
    const error = caught(() =>
      go(
        program(function* main() {
          return yield* gatherN(2, failAfter(1, ea), failAfter(2, eb), failAfter(100, ec))
        }),
      ),
    )
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).errors).toEqual([ea, eb])
  })

  it("work on the real clock under runAsync", async () => {
    const log: string[] = []
    const result = await runAsync(
      scheduled(
        program(function* main() {
          const first = yield* any(
            failAfter(1, new Error("x")),
            succeedAfter(5, "any"),
            slowLoser(log, "a", 2_000),
          )
          const some = yield* gatherN(1, succeedAfter(3, "gatherN"), slowLoser(log, "b", 2_000))
          return [first, ...some]
        }),
        { clock: realClock },
      ),
    )
    expect(result).toEqual(["any", "gatherN"])
    expect(log.sort()).toEqual(["a cleaned", "b cleaned"])
  })
})
