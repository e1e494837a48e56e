import { fn, Interrupt, program, run, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  cancel,
  scheduled,
  sleep,
  spawn,
  type Task,
  TaskCancelledError,
  VirtualClock,
  wait,
} from "../src/index.js"
import { runVirtual, thrownBy } from "./helpers.js"

const double = fn(function* double(n: number): Generator<Yielded, number, unknown> {
  yield* sleep(1)
  return n * 2
})

const failing = fn(function* failing(message: string): Generator<Yielded, never, unknown> {
  yield* sleep(1)
  throw new Error(message)
})

describe("wait", () => {
  it("evaluates to the task's value", () => {
    const main = program(function* main() {
      const task = yield* spawn(double(21))
      return yield* wait(task)
    })

    expect(runVirtual(main)).toBe(42)
  })

  it("answers at once for a task that has already finished", () => {
    const main = program(function* main() {
      const task = yield* spawn(double(2))
      yield* sleep(10)
      const before = task.status
      return [before, yield* wait(task)]
    })

    expect(runVirtual(main)).toEqual(["done", 4])
  })

  it("throws the task's error", () => {
    const main = program(function* main() {
      const task = yield* spawn(failing("disk full"))
      try {
        return yield* wait(task)
      } catch (error) {
        return (error as Error).message
      }
    })

    expect(runVirtual(main)).toBe("disk full")
  })

  it("throws TaskCancelledError for a cancelled task", () => {
    const main = program(function* main() {
      const task = yield* spawn(double(1), { name: "doomed" })
      yield* cancel(task)
      try {
        return yield* wait(task)
      } catch (error) {
        return error
      }
    })

    const error = runVirtual(main)
    expect(error).toBeInstanceOf(TaskCancelledError)
    expect(error).toBeInstanceOf(Interrupt)
    expect((error as TaskCancelledError).taskName).toBe("doomed")
  })

  it("gives every waiter the same result", () => {
    const main = program(function* main() {
      const task = yield* spawn(double(5))
      const otherWaiter = yield* spawn(
        program(function* otherWaiter() {
          return yield* wait(task)
        }),
      )
      return [yield* wait(task), yield* wait(otherWaiter)]
    })

    expect(runVirtual(main)).toEqual([10, 10])
  })

  it("refuses to let a task wait for itself", () => {
    const main = program(function* main() {
      const self: { task?: Task<unknown> } = {}
      const selfWaiter = yield* spawn(
        program(function* selfWaiter() {
          yield* sleep(1)
          return yield* wait(self.task!)
        }),
      )
      self.task = selfWaiter
      try {
        return yield* wait(selfWaiter)
      } catch (error) {
        return String(error)
      }
    })

    expect(runVirtual(main)).toMatch(
      /TypeError: wait\(task 2 "selfWaiter"\): a task cannot wait for itself/,
    )
  })

  it("refuses a task handle from another scheduler run", () => {
    let stray: Task<number> | undefined
    const first = program(function* first() {
      stray = yield* spawn(double(1))
      return yield* wait(stray)
    })
    runVirtual(first)
    const second = program(function* second() {
      return yield* wait(stray!)
    })

    const error = thrownBy(() => run(scheduled(second, { clock: new VirtualClock() })))
    expect(String(error)).toMatch(/belongs to another scheduler run/)
  })

  it("rejects something that is neither a task nor a promise with a TypeError", () => {
    const main = program(function* main() {
      return yield* wait(42 as unknown as Task<number>)
    })

    expect(String(thrownBy(() => runVirtual(main)))).toMatch(/TypeError: wait\(\) expects a task/)
  })
})
