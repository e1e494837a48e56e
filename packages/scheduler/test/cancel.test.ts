import { fn, getExecutionContext, Interrupt, program, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { cancel, gather, sleep, spawn, type Task, TaskCancelledError, wait } from "../src/index.js"
import { runVirtual } from "./helpers.js"

const sleeper = fn(function* sleeper(log: string[]): Generator<Yielded, string, unknown> {
  try {
    yield* sleep(1000)
    return "woke up"
  } catch (error) {
    log.push(`caught ${(error as Error).name}`)
    throw error
  } finally {
    log.push("finally")
  }
})

describe("cancel", () => {
  it("throws TaskCancelledError into the task at its suspension", () => {
    const log: string[] = []
    const main = program(function* main() {
      const task = yield* spawn(sleeper(log))
      yield* sleep(1)
      yield* cancel(task)
      return [log, task.status]
    })

    expect(runVirtual(main)).toEqual([["caught TaskCancelledError", "finally"], "cancelled"])
  })

  it("runs the task's finally exactly once, and the finally may use the scheduler", () => {
    const log: string[] = []
    const cleanup = program(function* slowCleanup() {
      try {
        yield* sleep(1000)
      } finally {
        const helper = yield* spawn(
          program(function* flush() {
            yield* sleep(3)
            return "flushed"
          }),
        )
        log.push(yield* wait(helper))
      }
    })
    const main = program(function* main() {
      const task = yield* spawn(cleanup)
      yield* sleep(1)
      yield* cancel(task)
      yield* cancel(task)
      return log
    })

    expect(runVirtual(main)).toEqual(["flushed"])
  })

  it("returns only once the task has finished its cleanup", () => {
    const log: string[] = []
    const slow = program(function* slowToStop() {
      try {
        yield* sleep(1000)
      } finally {
        yield* sleep(50)
        log.push("cleanup done")
      }
    })
    const main = program(function* main() {
      const task = yield* spawn(slow)
      yield* sleep(1)
      yield* cancel(task)
      log.push("cancel returned")
      return log
    })

    expect(runVirtual(main)).toEqual(["cleanup done", "cancel returned"])
  })

  it("is a no-op on a finished task", () => {
    const quick = program(function* quick() {
      return "result"
    })
    const main = program(function* main() {
      const task = yield* spawn(quick)
      yield* sleep(1)
      yield* cancel(task)
      return [task.status, yield* wait(task)]
    })

    expect(runVirtual(main)).toEqual(["done", "result"])
  })

  it("still cancels a task that swallows the cancellation: its result is discarded", () => {
    const stubborn = program(function* stubborn() {
      try {
        yield* sleep(1000)
      } catch {
        // swallowed
      }
      yield* sleep(5)
      return "pretends nothing happened"
    })
    const main = program(function* main() {
      const task = yield* spawn(stubborn)
      yield* sleep(1)
      yield* cancel(task)
      try {
        return yield* wait(task)
      } catch (error) {
        return [task.status, error instanceof TaskCancelledError]
      }
    })

    expect(runVirtual(main)).toEqual(["cancelled", true])
  })

  it("throws the cancellation only once", () => {
    let thrown = 0
    const stubborn = program(function* stubborn() {
      for (let i = 0; i < 3; i++) {
        try {
          yield* sleep(10)
        } catch {
          thrown++
        }
      }
    })
    const main = program(function* main() {
      const task = yield* spawn(stubborn)
      yield* sleep(1)
      yield* cancel(task)
      return thrown
    })

    expect(runVirtual(main)).toBe(1)
  })

  it("finishes a task that never started without running it", () => {
    let ran = false
    const neverRuns = program(function* neverRuns() {
      ran = true
    })
    const main = program(function* main() {
      const task = yield* spawn(neverRuns)
      yield* cancel(task)
      return [task.status, ran]
    })

    expect(runVirtual(main)).toEqual(["cancelled", false])
  })

  it("of the current task throws the cancellation right there", () => {
    const log: string[] = []
    const main = program(function* main() {
      const box: { self?: Task<unknown> } = {}
      const selfCanceller = yield* spawn(
        program(function* selfCanceller() {
          try {
            yield* cancel(box.self!)
            log.push("not reached")
          } finally {
            log.push("finally")
          }
        }),
      )
      box.self = selfCanceller
      try {
        yield* wait(selfCanceller)
      } catch (error) {
        log.push((error as Error).name)
      }
      return log
    })

    expect(runVirtual(main)).toEqual(["finally", "TaskCancelledError"])
  })

  it("uses an Interrupt that is never enriched", () => {
    const main = program(function* main() {
      const task = yield* spawn(sleeper([]))
      yield* sleep(1)
      yield* cancel(task)
      try {
        yield* wait(task)
      } catch (error) {
        return [error instanceof Interrupt, getExecutionContext(error)]
      }
    })

    expect(runVirtual(main)).toEqual([true, undefined])
  })

  it("never lets a cancellation escape a task preempted just before it ends", () => {
    const log: string[] = []
    const failing = fn(function* failing(id: number) {
      try {
        throw new Error(`failure ${id}`)
      } finally {
        yield* sleep(3)
        log.push(`cleanup ${id}`)
      }
    })
    const main = program(function* main() {
      try {
        return yield* gather(failing(1), failing(2))
      } catch (error) {
        return [(error as Error).message, log]
      }
    })

    // A tiny budget preempts the tasks right before their end, where the gather's
    // cancellation of the second task then lands.
    expect(runVirtual(main, 7)).toEqual(["failure 1", ["cleanup 1", "cleanup 2"]])
  })
})
