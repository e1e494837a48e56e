import { program } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  completePromise,
  createPromise,
  failPromise,
  type SchedulerPromise,
  sleep,
  spawn,
  wait,
} from "../src/index.js"
import { runVirtual, thrownBy } from "./helpers.js"

describe("scheduler promises", () => {
  it("wait evaluates to the value the promise is completed with", () => {
    const main = program(function* main() {
      const ready = yield* createPromise<string>()
      yield* spawn(
        program(function* producer() {
          yield* sleep(10)
          yield* completePromise(ready, "go")
        }),
      )
      return yield* wait(ready)
    })

    expect(runVirtual(main)).toBe("go")
  })

  it("answers at once once completed", () => {
    const main = program(function* main() {
      const ready = yield* createPromise<number>()
      yield* completePromise(ready, 7)
      return [ready.status, yield* wait(ready)]
    })

    expect(runVirtual(main)).toEqual(["completed", 7])
  })

  it("throws the failure into every waiter", () => {
    const main = program(function* main() {
      const ready = yield* createPromise<number>()
      const waiter = program(function* waiter() {
        try {
          return yield* wait(ready)
        } catch (error) {
          return (error as Error).message
        }
      })
      const a = yield* spawn(waiter)
      const b = yield* spawn(waiter)
      yield* sleep(1)
      yield* failPromise(ready, new Error("upstream closed"))
      return [yield* wait(a), yield* wait(b), ready.status]
    })

    expect(runVirtual(main)).toEqual(["upstream closed", "upstream closed", "failed"])
  })

  it("refuses a second completion with an error at that call", () => {
    const main = program(function* main() {
      const ready = yield* createPromise<number>()
      yield* completePromise(ready, 1)
      yield* completePromise(ready, 2)
    })

    expect(String(thrownBy(() => runVirtual(main)))).toMatch(
      /completePromise\(promise #1\): the promise was already completed; a promise settles once/,
    )
  })

  it("refuses to fail a promise that was already completed", () => {
    const main = program(function* main() {
      const ready = yield* createPromise<number>()
      yield* completePromise(ready, 1)
      try {
        yield* failPromise(ready, new Error("too late"))
      } catch (error) {
        return [String(error), yield* wait(ready)]
      }
    })

    expect(runVirtual(main)).toEqual([
      "Error: failPromise(promise #1): the promise was already completed; a promise settles once.",
      1,
    ])
  })

  it("rejects a value that is not a scheduler promise with a TypeError", () => {
    const main = program(function* main() {
      yield* completePromise({} as SchedulerPromise<number>, 1)
    })

    expect(String(thrownBy(() => runVirtual(main)))).toMatch(
      /TypeError: completePromise\(\) expects a promise made by createPromise\(\)/,
    )
  })
})
