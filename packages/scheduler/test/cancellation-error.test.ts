import { fn, Interrupt, run, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { cancel, scheduled, sleep, spawn, TaskCancelledError, wait } from "../src/index.js"

const sleeper = fn(function* worker(): Generator<Yielded, number, unknown> {
  yield* sleep(1_000)
  return 1
})

/** The error `wait` throws for a task cancelled by the scheduler. */
function cancellation(): unknown {
  const main = fn(function* main(): Generator<Yielded, unknown, unknown> {
    const task = yield* spawn(sleeper())
    yield* sleep(0)
    yield* cancel(task)
    try {
      yield* wait(task)
    } catch (error) {
      return error
    }
    return undefined
  })
  return run(scheduled(main()))
}

describe("the scheduler's cancellation error", () => {
  it("is a TaskCancelledError, an Interrupt, with the cancelled task's id and name", () => {
    const error = cancellation() as TaskCancelledError
    expect(error).toBeInstanceOf(TaskCancelledError)
    expect(error).toBeInstanceOf(Interrupt)
    expect(error).toBeInstanceOf(Error)
    expect(error.constructor).toBe(TaskCancelledError)
    expect([error.name, error.taskId, error.taskName]).toEqual(["TaskCancelledError", 2, "worker"])
    expect(error.message).toBe('Task 2 "worker" was cancelled.')
  })

  it("shows one header line as its stack, like a constructed one without frames", () => {
    const error = cancellation() as TaskCancelledError
    const header = 'TaskCancelledError: Task 2 "worker" was cancelled.'
    expect(error.stack).toBe(header)
    expect(String(error)).toBe(header)
  })

  it("has the own enumerable fields of a constructed TaskCancelledError", () => {
    const error = cancellation() as TaskCancelledError
    expect(Object.keys(error)).toEqual(Object.keys(new TaskCancelledError(2, "worker")))
    expect(JSON.stringify(error)).toBe(JSON.stringify(new TaskCancelledError(2, "worker")))
  })

  it("takes a new message and stack when they are assigned", () => {
    const error = cancellation() as TaskCancelledError
    error.message = "replaced"
    error.stack = "a new stack"
    expect([error.message, error.stack]).toEqual(["replaced", "a new stack"])
    expect(Object.keys(error)).not.toContain("stack")
  })
})
