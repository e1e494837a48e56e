import { fn, type Program, program, run, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  any,
  cancel,
  completePromise,
  createPromise,
  gatherN,
  scheduled,
  sleep,
  spawn,
  TaskCancelledError,
  VirtualClock,
} from "../src/index.js"
import { thrownBy } from "./helpers.js"

function runVirtual<T>(body: Program<T>): T {
  return run(scheduled(body, { clock: new VirtualClock() }))
}

/** Succeeds with `value` after `ms`; records its cleanup when cancelled. */
const succeed = fn(function* succeed(value: string, ms: number, cleaned: string[] = []) {
  try {
    yield* sleep(ms)
    return value
  } finally {
    if (ms > 0) {
      yield* sleep(1) // asynchronous cleanup: any/gatherN must wait for it
      cleaned.push(value)
    }
  }
})

/** Fails with `Error(message)` after `ms`. */
const fail = fn(function* fail(message: string, ms: number): Generator<Yielded, never, unknown> {
  yield* sleep(ms)
  throw new Error(message)
})

describe("any", () => {
  it("the first success wins, even after failures", () => {
    const main = program(function* main() {
      return yield* any(fail("fast failure", 1), succeed("slow", 5), succeed("slower", 9))
    })
    expect(runVirtual(main)).toBe("slow")
  })

  it("the rest are cancelled and have finished their finally blocks before it returns", () => {
    const cleaned: string[] = []
    const main = program(function* main() {
      const winner = yield* any(
        succeed("a", 1),
        succeed("b", 50, cleaned),
        succeed("c", 60, cleaned),
      )
      return { winner, cleaned: [...cleaned].sort() }
    })
    expect(runVirtual(main)).toEqual({ winner: "a", cleaned: ["b", "c"] })
  })

  it("all failing gives an AggregateError of every error in input order", () => {
    const main = program(function* main() {
      yield* any(fail("first input", 30), fail("second input", 10), fail("third input", 20))
    })
    const error = thrownBy(() => runVirtual(main))
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      "first input",
      "second input",
      "third input",
    ])
    expect((error as Error).message).toMatch(/any\(\): all 3 inputs failed/)
  })

  it("a cancelled input counts as a failure", () => {
    const main = program(function* main() {
      const victim = yield* spawn(succeed("victim", 100))
      yield* spawn(
        program(function* killer() {
          yield* sleep(1)
          yield* cancel(victim)
        }),
      )
      return yield* any(victim, succeed("survivor", 10))
    })
    expect(runVirtual(main)).toBe("survivor")
  })

  it("takes scheduler promises too, and rejects an empty call", () => {
    const main = program(function* main() {
      const p = yield* createPromise<string>()
      yield* spawn(
        program(function* resolver() {
          yield* sleep(1)
          yield* completePromise(p, "from promise")
        }),
      )
      return yield* any(p, succeed("late", 10))
    })
    expect(runVirtual(main)).toBe("from promise")
    expect(() => any()).toThrow(TypeError)
  })
})

describe("gatherN", () => {
  it("gives the first n successes in completion order; the rest are cancelled and cleaned up first", () => {
    const cleaned: string[] = []
    const main = program(function* main() {
      const values = yield* gatherN(
        2,
        succeed("slowest", 90, cleaned),
        succeed("second", 20),
        fail("ignored failure", 5),
        succeed("first", 10),
      )
      return { values, cleaned: [...cleaned] }
    })
    expect(runVirtual(main)).toEqual({ values: ["first", "second"], cleaned: ["slowest"] })
  })

  it("keeps waiting after failures while n successes are still possible", () => {
    const main = program(function* main() {
      return yield* gatherN(
        2,
        succeed("a", 100),
        fail("input 1", 20),
        fail("input 2", 10),
        succeed("b", 150),
      )
    })
    expect(runVirtual(main)).toEqual(["a", "b"])
  })

  it("throws as soon as n successes are impossible, with the failures so far in input order", () => {
    const cleaned: string[] = []
    const main = program(function* main() {
      yield* gatherN(
        2,
        fail("input 0", 20),
        succeed("cancelled", 100, cleaned),
        fail("input 2", 10),
      )
    })
    const error = thrownBy(() => runVirtual(main))
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      "input 0",
      "input 2",
    ])
    expect(cleaned).toEqual(["cancelled"])
  })

  it("n must be an integer >= 1", () => {
    expect(() => gatherN(0, succeed("a", 1))).toThrow(/n must be an integer >= 1/)
    expect(() => gatherN(1.5, succeed("a", 1), succeed("b", 1))).toThrow(TypeError)
  })

  it("more than the inputs can give is an empty AggregateError at once; task inputs are cancelled first", () => {
    const cleaned: string[] = []
    const main = program(function* main() {
      const running = yield* spawn(
        program(function* running() {
          try {
            yield* sleep(100)
          } finally {
            cleaned.push("running")
          }
        }),
      )
      yield* sleep(1)
      yield* gatherN(3, running, succeed("b", 1))
    })
    const error = thrownBy(() => runVirtual(main)) as AggregateError
    expect(error).toBeInstanceOf(AggregateError)
    expect(error.errors).toEqual([])
    expect(error.message).toMatch(/only 2 inputs/)
    expect(cleaned).toEqual(["running"])
  })

  it("a cancelled input is a failure that can make n impossible", () => {
    const main = program(function* main() {
      const victim = yield* spawn(succeed("victim", 100))
      yield* spawn(
        program(function* killer() {
          yield* sleep(1)
          yield* cancel(victim)
        }),
      )
      yield* gatherN(2, victim, succeed("other", 50))
    })
    const error = thrownBy(() => runVirtual(main)) as AggregateError
    expect(error.errors[0]).toBeInstanceOf(TaskCancelledError)
  })
})
