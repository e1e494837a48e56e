import { fn, program, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  cancel,
  completePromise,
  createPromise,
  gather,
  gatherSettled,
  sleep,
  spawn,
  TaskCancelledError,
} from "../src/index.js"
import { runVirtual } from "./helpers.js"

const after = fn(function* after(ms: number, value: string): Generator<Yielded, string, unknown> {
  yield* sleep(ms)
  return value
})

const failAfter = fn(function* failAfter(
  ms: number,
  message: string,
): Generator<Yielded, never, unknown> {
  yield* sleep(ms)
  throw new Error(message)
})

describe("gather", () => {
  it("returns the results in input order, not completion order", () => {
    const main = program(function* main() {
      const slow = yield* spawn(after(30, "slow"))
      const fast = yield* spawn(after(10, "fast"))
      return yield* gather(slow, fast)
    })

    expect(runVirtual(main)).toEqual(["slow", "fast"])
  })

  it("spawns programs as children of the gathering task", () => {
    const main = program(function* main() {
      return yield* gather(after(20, "a"), after(10, "b"))
    })

    expect(runVirtual(main)).toEqual(["a", "b"])
  })

  it("accepts tasks, programs and promises together", () => {
    const main = program(function* main() {
      const promise = yield* createPromise<string>()
      const task = yield* spawn(after(5, "task"))
      yield* spawn(
        program(function* completer() {
          yield* sleep(10)
          yield* completePromise(promise, "promise")
        }),
      )
      return yield* gather(task, after(1, "program"), promise)
    })

    expect(runVirtual(main)).toEqual(["task", "program", "promise"])
  })

  it("of nothing is an empty array", () => {
    const main = program(function* main() {
      return yield* gather()
    })

    expect(runVirtual(main)).toEqual([])
  })

  it("fails fast with the first failure", () => {
    const main = program(function* main() {
      try {
        return yield* gather(after(100, "slow"), failAfter(10, "first"), failAfter(20, "second"))
      } catch (error) {
        return (error as Error).message
      }
    })

    expect(runVirtual(main)).toBe("first")
  })

  it("cancels the unfinished rest, whose finally blocks finish before it throws", () => {
    const log: string[] = []
    const cleanup = fn(function* cleanup(name: string) {
      try {
        yield* sleep(1000)
      } finally {
        yield* sleep(5) // cleanup that takes time
        log.push(`${name} cleaned up`)
      }
    })
    const main = program(function* main() {
      const a = yield* spawn(cleanup("a"))
      const b = yield* spawn(cleanup("b"))
      try {
        yield* gather(a, failAfter(10, "boom"), b)
      } catch (error) {
        log.push(`gather threw ${(error as Error).message}`)
      }
      return [log, a.status, b.status]
    })

    expect(runVirtual(main)).toEqual([
      ["a cleaned up", "b cleaned up", "gather threw boom"],
      "cancelled",
      "cancelled",
    ])
  })

  it("attaches a failure of a task it cancelled to the error it throws, as suppressed", () => {
    const failsInCleanup = program(function* failsInCleanup() {
      try {
        yield* sleep(1000)
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the test is about a failing cleanup
        throw new Error("cleanup failed too")
      }
    })
    const main = program(function* main() {
      try {
        return yield* gather(failsInCleanup, failAfter(10, "first"))
      } catch (error) {
        const suppressed = (error as { suppressed?: Error[] }).suppressed ?? []
        return [(error as Error).message, suppressed.map((e) => e.message)]
      }
    })

    expect(runVirtual(main)).toEqual(["first", ["cleanup failed too"]])
  })

  it("fails with TaskCancelledError when an input was cancelled", () => {
    const main = program(function* main() {
      const victim = yield* spawn(after(100, "never"))
      yield* spawn(
        program(function* canceller() {
          yield* sleep(5)
          yield* cancel(victim)
        }),
      )
      try {
        return yield* gather(victim, after(200, "later"))
      } catch (error) {
        return error instanceof TaskCancelledError
      }
    })

    expect(runVirtual(main)).toBe(true)
  })
})

describe("gatherSettled", () => {
  it("reports every outcome in input order", () => {
    const main = program(function* main() {
      return yield* gatherSettled(after(20, "a"), failAfter(10, "b failed"), after(5, "c"))
    })

    const [a, b, c] = runVirtual(main)
    expect(a).toEqual({ ok: true, value: "a" })
    expect(b.ok).toBe(false)
    expect(!b.ok && (b.error as Error).message).toBe("b failed")
    expect(c).toEqual({ ok: true, value: "c" })
  })

  it("does not fail fast: the others run to their end", () => {
    const main = program(function* main() {
      const results = yield* gatherSettled(failAfter(1, "early"), after(50, "late"))
      return results.map((r) => r.ok)
    })

    expect(runVirtual(main)).toEqual([false, true])
  })

  it("reports a cancelled task as a TaskCancelledError", () => {
    const main = program(function* main() {
      const victim = yield* spawn(after(100, "never"))
      const killer = yield* spawn(
        program(function* killer() {
          yield* sleep(1)
          yield* cancel(victim)
        }),
      )
      const [result] = yield* gatherSettled(victim, killer)
      return !result.ok && result.error instanceof TaskCancelledError
    })

    expect(runVirtual(main)).toBe(true)
  })

  it("holds back the cancellation of a task whose gather is draining until the gather is done", () => {
    const log: string[] = []
    const slowCleanup = program(function* slowCleanup() {
      try {
        yield* sleep(1000)
      } finally {
        yield* sleep(50)
        log.push("input cleaned up")
      }
    })
    const gatherer = program(function* gatherer() {
      try {
        yield* gather(slowCleanup, failAfter(10, "input failed"))
      } catch (error) {
        log.push(`gather threw ${(error as Error).message}`)
      }
      yield* sleep(1) // the held-back cancellation is thrown here
      log.push("not reached")
    })
    const main = program(function* main() {
      const task = yield* spawn(gatherer)
      yield* sleep(20) // the gather is draining now
      yield* cancel(task)
      return [log, task.status]
    })

    expect(runVirtual(main)).toEqual([
      ["input cleaned up", "gather threw input failed"],
      "cancelled",
    ])
  })
})
