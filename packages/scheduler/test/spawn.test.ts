import { Effect, fn, handler, program, Transfer, withHandler, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { gather, sleep, spawn, type Task, wait } from "../src/index.js"
import { runVirtual } from "./helpers.js"

const record = fn(function* record(
  log: string[],
  entry: string,
): Generator<Yielded, string, unknown> {
  log.push(entry)
  return entry
})

describe("spawn", () => {
  it("returns a handle at once: the spawner continues before the child runs", () => {
    const log: string[] = []
    const main = program(function* main() {
      const child = yield* spawn(record(log, "child"))
      log.push("spawner goes on")
      yield* wait(child)
      return log
    })

    expect(runVirtual(main)).toEqual(["spawner goes on", "child"])
  })

  it("runs ready tasks by priority, higher first", () => {
    const log: string[] = []
    const main = program(function* main() {
      const low = yield* spawn(record(log, "low"), { priority: -1 })
      const normal = yield* spawn(record(log, "normal"))
      const high = yield* spawn(record(log, "high"), { priority: 5 })
      yield* gather(low, normal, high)
      return log
    })

    expect(runVirtual(main)).toEqual(["high", "normal", "low"])
  })

  it("runs tasks of equal priority first in, first out", () => {
    const log: string[] = []
    const main = program(function* main() {
      const tasks: Task<string>[] = []
      for (const name of ["a", "b", "c", "d"]) tasks.push(yield* spawn(record(log, name)))
      yield* gather(...tasks)
      return log
    })

    expect(runVirtual(main)).toEqual(["a", "b", "c", "d"])
  })

  it("keeps the priority order when tasks wake up again", () => {
    const log: string[] = []
    const napper = fn(function* napper(name: string) {
      yield* sleep(10)
      log.push(name)
    })
    const main = program(function* main() {
      const low = yield* spawn(napper("low"), { priority: 1 })
      const high = yield* spawn(napper("high"), { priority: 2 })
      yield* gather(low, high)
      return log
    })

    expect(runVirtual(main)).toEqual(["high", "low"])
  })

  it("runs the child under the handlers in scope at its spawn, the same instances", () => {
    class Next extends Effect<number> {}
    let count = 0
    const counter = handler((_eff: Next, k) => Transfer(k, ++count), { handles: [Next] })
    const countTwice = fn(function* countTwice(): Generator<Yielded, number[], unknown> {
      return [yield* new Next(), yield* new Next()]
    })
    const main = program(function* main() {
      const inner = program(function* spawnsUnderCounter() {
        const first = yield* new Next()
        const child = yield* spawn(countTwice())
        return [first, ...(yield* wait(child))]
      })
      return yield* withHandler(counter, inner)
    })

    expect(runVirtual(main)).toEqual([1, 2, 3])
  })

  it("names a task after its program unless a name is given", () => {
    const worker = fn(function* worker() {
      return 1
    })
    const main = program(function* main() {
      const unnamed = yield* spawn(worker())
      const named = yield* spawn(worker(), { name: "the worker" })
      yield* gather(unnamed, named)
      return [unnamed.name, named.name, unnamed.id, named.id, named.parentId]
    })

    expect(runVirtual(main)).toEqual(["worker", "the worker", 2, 3, 1])
  })

  it("shows a task's status through its life", () => {
    const statuses: string[] = []
    const napper = program(function* napper() {
      yield* sleep(5)
    })
    const main = program(function* main() {
      const task = yield* spawn(napper)
      statuses.push(task.status)
      yield* sleep(1)
      statuses.push(task.status)
      yield* wait(task)
      statuses.push(task.status)
      return statuses
    })

    expect(runVirtual(main)).toEqual(["ready", "blocked", "done"])
  })

  it("rejects something that is not a program with a TypeError at the call", () => {
    const worker = fn(function* worker() {
      return 1
    })
    const main = program(function* main() {
      try {
        yield* spawn(worker as unknown as ReturnType<typeof worker>)
        return "spawned"
      } catch (error) {
        return String(error)
      }
    })

    expect(runVirtual(main)).toMatch(
      /TypeError: spawn\(\) expects a program.*factory instead of calling it/,
    )
  })
})
