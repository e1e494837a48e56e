import { fn, program, run, type Yielded } from "@effvm/vm-core"
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

const lingering = fn(function* lingering(
  log: string[],
  name: string,
): Generator<Yielded, void, unknown> {
  try {
    yield* sleep(1000)
    log.push(`${name} finished`)
  } finally {
    yield* sleep(5)
    log.push(`${name} cleaned up`)
  }
})

const failAfter = fn(function* failAfter(
  ms: number,
  message: string,
): Generator<Yielded, never, unknown> {
  yield* sleep(ms)
  throw new Error(message)
})

describe("structured lifetime", () => {
  it("cancels a task's unfinished children when it ends, before its result is delivered", () => {
    const log: string[] = []
    let child: Task<void> | undefined
    const parent = program(function* parent() {
      child = yield* spawn(lingering(log, "child"))
      yield* sleep(1)
      return "parent result"
    })
    const main = program(function* main() {
      const task = yield* spawn(parent)
      const result = yield* wait(task)
      log.push(`got ${result}`)
      return [log, child!.status]
    })

    expect(runVirtual(main)).toEqual([["child cleaned up", "got parent result"], "cancelled"])
  })

  it("cancels the root's children when the body returns, before scheduled returns", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* spawn(lingering(log, "child"))
      yield* sleep(1)
      return "body done"
    })

    const result = runVirtual(main)
    expect([result, log]).toEqual(["body done", ["child cleaned up"]])
  })

  it("does not cancel a daemon child when its parent ends", () => {
    const log: string[] = []
    let daemon: Task<void> | undefined
    const parent = program(function* parent() {
      daemon = yield* spawn(
        program(function* daemonWork() {
          yield* sleep(50)
          log.push("daemon finished")
        }),
        { daemon: true },
      )
    })
    const main = program(function* main() {
      yield* wait(yield* spawn(parent))
      const statusAfterParent = daemon!.status
      yield* wait(daemon!)
      return [statusAfterParent, log]
    })

    expect(runVirtual(main)).toEqual(["blocked", ["daemon finished"]])
  })

  it("cancels daemons when the root ends", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* spawn(lingering(log, "daemon"), { daemon: true })
      yield* sleep(1)
    })

    runVirtual(main)
    expect(log).toEqual(["daemon cleaned up"])
  })

  it("throws a child's failure nobody waits for into its parent at its current suspension", () => {
    const main = program(function* main() {
      yield* spawn(failAfter(10, "unobserved child failure"))
      try {
        yield* sleep(1000)
        return "slept through"
      } catch (error) {
        return `parent caught: ${(error as Error).message}`
      }
    })

    expect(runVirtual(main)).toBe("parent caught: unobserved child failure")
  })

  it("fails the run with an unobserved child failure the parent does not catch", () => {
    const main = program(function* main() {
      yield* spawn(failAfter(10, "nobody watched"))
      yield* sleep(1000)
    })

    expect(String(thrownBy(() => runVirtual(main)))).toBe("Error: nobody watched")
  })

  it("does not fail the parent when a child ends by cancellation", () => {
    const main = program(function* main() {
      const child = yield* spawn(lingering([], "child"))
      yield* spawn(
        program(function* canceller() {
          yield* sleep(1)
          yield* cancel(child)
        }),
      )
      yield* sleep(100)
      return child.status
    })

    expect(runVirtual(main)).toBe("cancelled")
  })

  it("hands an unobserved daemon failure to onDaemonError, and the run goes on", () => {
    const reported: string[] = []
    const main = program(function* main() {
      yield* spawn(failAfter(5, "daemon broke"), { daemon: true, name: "watcher" })
      yield* sleep(100)
      return "root finished"
    })

    const result = run(
      scheduled(main, {
        clock: new VirtualClock(),
        onDaemonError: (error, task) => reported.push(`${task.name}: ${(error as Error).message}`),
      }),
    )
    expect([result, reported]).toEqual(["root finished", ["watcher: daemon broke"]])
  })

  it("throws an unobserved daemon failure into the root without onDaemonError", () => {
    const main = program(function* main() {
      yield* spawn(failAfter(5, "daemon broke"), { daemon: true })
      try {
        yield* sleep(100)
        return "not reached"
      } catch (error) {
        return `root caught: ${(error as Error).message}`
      }
    })

    expect(runVirtual(main)).toBe("root caught: daemon broke")
  })

  it("fails an ending parent with a child's failure during its cleanup", () => {
    const badCleanup = program(function* badCleanup() {
      try {
        yield* sleep(1000)
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the test is about a failing cleanup
        throw new Error("cleanup failed")
      }
    })
    const parent = program(function* parent() {
      yield* spawn(badCleanup)
      yield* sleep(1)
      return "parent done"
    })
    const main = program(function* main() {
      try {
        return yield* wait(yield* spawn(parent))
      } catch (error) {
        return (error as Error).message
      }
    })

    expect(runVirtual(main)).toBe("cleanup failed")
  })

  it("ends the run with every task finished: a daemon spawned during shutdown never starts", () => {
    let late: Task<void> | undefined
    const main = program(function* main() {
      yield* spawn(
        program(function* spawnsInCleanup() {
          try {
            yield* sleep(1000)
          } finally {
            late = yield* spawn(
              program(function* late() {}),
              { daemon: true },
            )
          }
        }),
      )
      yield* sleep(1)
    })

    runVirtual(main)
    expect(late!.status).toBe("cancelled")
  })

  it("waiting on a child cancelled by its parent's end throws TaskCancelledError", () => {
    const main = program(function* main() {
      const box: { child?: Task<void> } = {}
      const parent = yield* spawn(
        program(function* parent() {
          box.child = yield* spawn(lingering([], "child"))
        }),
      )
      yield* wait(parent)
      try {
        yield* wait(box.child!)
      } catch (error) {
        return error instanceof TaskCancelledError
      }
    })

    expect(runVirtual(main)).toBe(true)
  })
})
