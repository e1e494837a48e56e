import { fn, formatTraceback, program, run, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  acquire,
  completePromise,
  createPromise,
  createSemaphore,
  SchedulerDeadlockError,
  type SchedulerPromise,
  scheduled,
  sleep,
  spawn,
  type Task,
  wait,
} from "../src/index.js"
import { runVirtual, thrownBy } from "./helpers.js"

describe("deadlock detection", () => {
  it("fails the run when the only task waits on a promise nobody can complete", () => {
    const main = program(function* main() {
      const never = yield* createPromise<number>()
      return yield* wait(never)
    })

    const error = thrownBy(() => runVirtual(main))
    expect(error).toBeInstanceOf(SchedulerDeadlockError)
  })

  it("names every blocked task and what it waits on", () => {
    const main = program(function* main() {
      const box: { b?: Task<unknown> } = {}
      const a = yield* spawn(
        program(function* a() {
          yield* sleep(1)
          return yield* wait(box.b!)
        }),
        { name: "alpha" },
      )
      box.b = yield* spawn(
        program(function* b() {
          return yield* wait(a)
        }),
        { name: "beta" },
      )
      return yield* wait(a)
    })

    const error = thrownBy(() => runVirtual(main)) as SchedulerDeadlockError
    expect(error.blocked).toEqual([
      { taskId: 1, name: "main", waitsOn: 'waits on task 2 "alpha"' },
      { taskId: 2, name: "alpha", waitsOn: 'waits on task 3 "beta"' },
      { taskId: 3, name: "beta", waitsOn: 'waits on task 2 "alpha"' },
    ])
    expect(error.message).toContain('task 3 "beta" waits on task 2 "alpha"')
  })

  it("reports a semaphore nobody releases", () => {
    const main = program(function* main() {
      const pool = yield* createSemaphore(1)
      yield* acquire(pool)
      yield* acquire(pool)
    })

    const error = thrownBy(() => runVirtual(main)) as SchedulerDeadlockError
    expect(error.blocked[0]!.waitsOn).toBe("acquires semaphore #1 (0 of 1 permits free)")
  })

  it("runs the blocked tasks' finally blocks before the error is thrown", () => {
    const log: string[] = []
    const stuck = fn(function* stuck(
      name: string,
      promise: SchedulerPromise<void>,
    ): Generator<Yielded, void, unknown> {
      try {
        yield* wait(promise)
      } finally {
        log.push(`${name} cleaned up`)
      }
    })
    const main = program(function* main() {
      const never = yield* createPromise<void>()
      yield* spawn(stuck("child", never))
      yield* stuck("main", never)
    })

    expect(thrownBy(() => runVirtual(main))).toBeInstanceOf(SchedulerDeadlockError)
    expect(log.sort()).toEqual(["child cleaned up", "main cleaned up"])
  })

  it("is not reported while a timer is pending", () => {
    const main = program(function* main() {
      const later = yield* createPromise<string>()
      yield* spawn(
        program(function* completer() {
          yield* sleep(1000)
          yield* completePromise(later, "done")
        }),
      )
      return yield* wait(later)
    })

    expect(runVirtual(main)).toBe("done")
  })

  it("throws the deadlock error into a cleanup that blocks again", () => {
    const log: string[] = []
    const main = program(function* main() {
      const never = yield* createPromise<void>()
      try {
        yield* wait(never)
      } finally {
        try {
          yield* wait(never) // blocks again during the teardown
        } catch (error) {
          log.push((error as Error).name)
        }
      }
    })

    expect(thrownBy(() => runVirtual(main))).toBeInstanceOf(SchedulerDeadlockError)
    expect(log).toEqual(["SchedulerDeadlockError"])
  })

  it("ends even when a cleanup never stops blocking, naming the abandoned task", () => {
    const main = program(function* main() {
      const never = yield* createPromise<void>()
      try {
        yield* wait(never)
      } finally {
        for (;;) {
          try {
            yield* wait(never)
          } catch {
            // refuses to stop
          }
        }
      }
    })

    const error = thrownBy(() => runVirtual(main)) as SchedulerDeadlockError
    expect(error).toBeInstanceOf(SchedulerDeadlockError)
    expect(error.abandoned.map((t) => t.name)).toEqual(["main"])
  })
})

describe("the deadlock's traceback", () => {
  it("is raised where the root task waits: its frame and the effect it waits on show", () => {
    const stuckMain = program(function* stuckMain() {
      const gate = yield* createPromise()
      const waiter = yield* spawn(
        program(function* waiter() {
          yield* wait(gate)
        }),
      )
      yield* wait(waiter)
    })
    const error = thrownBy(() => run(scheduled(stuckMain)))
    expect(error).toBeInstanceOf(SchedulerDeadlockError)
    const text = formatTraceback(error)
    expect(text).toMatch(
      / {2}stuckMain\(\) {2}\(defined at\) packages\/scheduler\/test\/deadlock\.test\.ts:\d+/,
    )
    expect(text).toContain('performing wait(task 2 "waiter")')
  })
})
