import { fn, program, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  cancel,
  now,
  sleep,
  spawn,
  TaskCancelledError,
  TimeoutError,
  timeout,
} from "../src/index.js"
import { runVirtual, thrownBy } from "./helpers.js"

const slow = fn(function* slow(ms: number, log: string[]): Generator<Yielded, string, unknown> {
  try {
    yield* sleep(ms)
    return "finished"
  } catch (error) {
    log.push(error instanceof TaskCancelledError ? "saw TaskCancelledError" : "saw other")
    throw error
  } finally {
    yield* sleep(5) // asynchronous cleanup
    log.push(`cleanup done at ${yield* now()}`)
  }
})

describe("timeout", () => {
  it("evaluates to the program's value when it finishes in time", () => {
    const log: string[] = []
    expect(runVirtual(timeout(100, slow(10, log)))).toBe("finished")
  })

  it("throws TimeoutError after the program was cancelled and its finally blocks ran", () => {
    const log: string[] = []
    const outcome = runVirtual(
      program(function* main() {
        try {
          return yield* timeout(50, slow(1_000, log))
        } catch (error) {
          log.push(`caught ${(error as Error).name} at ${yield* now()}`)
          return error
        }
      }),
    )
    expect(outcome).toBeInstanceOf(TimeoutError)
    expect((outcome as TimeoutError).ms).toBe(50)
    expect(log).toEqual([
      "saw TaskCancelledError",
      "cleanup done at 55",
      "caught TimeoutError at 55",
    ])
  })

  it("names the program and the limit in the TimeoutError message", () => {
    const error = thrownBy(() => runVirtual(timeout(20, slow(100, []))))
    expect((error as Error).message).toBe(
      "slow did not finish within 20 ms (timeout); it was cancelled.",
    )
  })

  it("throws the program's own error when it fails in time", () => {
    const failing = program(function* failing() {
      yield* sleep(1)
      throw new Error("boom")
    })
    const error = thrownBy(() => runVirtual(timeout(100, failing)))
    expect((error as Error).message).toBe("boom")
  })

  it("leaves no timer behind when the program finishes first", () => {
    const end = runVirtual(
      program(function* main() {
        yield* timeout(1_000, slow(10, []))
        return yield* now()
      }),
    )
    expect(end).toBe(15)
  })

  it("cancels the timed program, finally blocks included, when the task waiting in timeout is cancelled", () => {
    const log: string[] = []
    runVirtual(
      program(function* main() {
        const waiter = yield* spawn(timeout(1_000, slow(500, log)))
        yield* sleep(10)
        yield* cancel(waiter)
        log.push(`cancelled waiter at ${yield* now()}`)
      }),
    )
    expect(log).toEqual(["saw TaskCancelledError", "cleanup done at 15", "cancelled waiter at 15"])
  })

  it("rejects a negative limit and a non-program with a TypeError", () => {
    expect(() => timeout(-1, slow(1, []))).toThrow(/non-negative number of milliseconds, got -1/)
    expect(() => timeout(10, slow as never)).toThrow(
      /expects a program as its second argument, got function .*did you pass the factory/,
    )
  })
})
