import { fn, program, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  cancel,
  createPromise,
  failPromise,
  race,
  sleep,
  spawn,
  TaskCancelledError,
} from "../src/index.js"
import { runVirtual, thrownBy } from "./helpers.js"

const after = fn(function* after(ms: number, value: string): Generator<Yielded, string, unknown> {
  yield* sleep(ms)
  return value
})

describe("race", () => {
  it("evaluates to the first input to finish", () => {
    const main = program(function* main() {
      return yield* race(after(30, "slow"), after(10, "fast"), after(20, "medium"))
    })

    expect(runVirtual(main)).toBe("fast")
  })

  it("cancels the losers, whose finally blocks finish before it returns", () => {
    const log: string[] = []
    const loser = fn(function* loser(name: string) {
      try {
        yield* sleep(1000)
      } finally {
        yield* sleep(5)
        log.push(`${name} cleaned up`)
      }
    })
    const main = program(function* main() {
      const a = yield* spawn(loser("a"))
      const b = yield* spawn(loser("b"))
      const winner = yield* race(a, after(10, "winner"), b)
      log.push(`race returned ${winner}`)
      return [log, a.status, b.status]
    })

    expect(runVirtual(main)).toEqual([
      ["a cleaned up", "b cleaned up", "race returned winner"],
      "cancelled",
      "cancelled",
    ])
  })

  it("lets a failing task win: its error is thrown", () => {
    const failing = program(function* failing() {
      yield* sleep(1)
      throw new Error("lost the race by failing")
    })
    const main = program(function* main() {
      try {
        return yield* race(after(10, "too late"), failing)
      } catch (error) {
        return (error as Error).message
      }
    })

    expect(runVirtual(main)).toBe("lost the race by failing")
  })

  it("is won by an input that has already finished, first in input order", () => {
    const main = program(function* main() {
      const a = yield* spawn(after(1, "a"))
      const b = yield* spawn(after(1, "b"))
      yield* sleep(5)
      return yield* race(b, a)
    })

    expect(runVirtual(main)).toBe("b")
  })

  it("can be won by a scheduler promise", () => {
    const main = program(function* main() {
      const promise = yield* createPromise<string>()
      yield* spawn(
        program(function* failer() {
          yield* sleep(1)
          yield* failPromise(promise, new Error("promise failed first"))
        }),
      )
      try {
        return yield* race(promise, after(10, "task"))
      } catch (error) {
        return (error as Error).message
      }
    })

    expect(runVirtual(main)).toBe("promise failed first")
  })

  it("throws TaskCancelledError when the winner was cancelled", () => {
    const main = program(function* main() {
      const victim = yield* spawn(after(100, "never"))
      yield* spawn(
        program(function* killer() {
          yield* sleep(1)
          yield* cancel(victim)
        }),
      )
      try {
        return yield* race(victim, after(50, "late"))
      } catch (error) {
        return error instanceof TaskCancelledError
      }
    })

    expect(runVirtual(main)).toBe(true)
  })

  it("with no inputs is a TypeError", () => {
    const main = program(function* main() {
      return yield* race()
    })

    const error = thrownBy(() => runVirtual(main))
    expect(error).toBeInstanceOf(TypeError)
    expect(String(error)).toMatch(/race\(\) needs at least one/)
  })
})
