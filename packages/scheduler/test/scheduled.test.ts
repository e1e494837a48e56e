import {
  Effect,
  fn,
  handler,
  program,
  run,
  runAsync,
  Transfer,
  withHandler,
  type Yielded,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  awaitPromise,
  cancel,
  gather,
  scheduled,
  sleep,
  spawn,
  type Task,
  VirtualClock,
  wait,
} from "../src/index.js"
import { thrownBy } from "./helpers.js"

describe("scheduled", () => {
  it("evaluates to the body's value", () => {
    const main = program(function* main() {
      return "done"
    })

    expect(run(scheduled(main))).toBe("done")
  })

  it("throws the body's error", () => {
    const main = program(function* main() {
      throw new Error("body failed")
    })

    expect(String(thrownBy(() => run(scheduled(main))))).toBe("Error: body failed")
  })

  it("is re-runnable: each run has its own tasks, numbered from 1", () => {
    const ids: number[] = []
    const child = program(function* child() {
      return 1
    })
    const main = program(function* main() {
      const task = yield* spawn(child)
      ids.push(task.id)
      return yield* wait(task)
    })
    const p = scheduled(main, { clock: new VirtualClock() })

    run(p)
    run(p)
    expect(ids).toEqual([2, 2])
  })

  it("leaves handlers outside it usable by every task", () => {
    class Config extends Effect<string> {}
    const config = handler((_eff: Config, k) => Transfer(k, "from outside"), { handles: [Config] })
    const reader = program(function* reader() {
      return yield* new Config()
    })
    const main = program(function* main() {
      return yield* gather(reader, reader)
    })

    expect(run(withHandler(config, scheduled(main)))).toEqual(["from outside", "from outside"])
  })

  it("nests: an inner scheduler runs inside a task of an outer one", () => {
    const clock = new VirtualClock()
    const inner = program(function* inner() {
      return yield* gather(
        program(function* a() {
          yield* sleep(10)
          return "a"
        }),
        program(function* b() {
          return "b"
        }),
      )
    })
    const main = program(function* main() {
      const task: Task<string[]> = yield* spawn(scheduled(inner, { clock }))
      return yield* wait(task)
    })

    expect(run(scheduled(main, { clock }))).toEqual(["a", "b"])
  })

  it("rejects something that is not a program with a TypeError", () => {
    const notAProgram = fn(function* notAProgram(): Generator<Yielded, void, unknown> {})
    expect(() => scheduled(notAProgram as never)).toThrow(/scheduled\(\) expects a program/)
  })

  it("rejects bad options with a TypeError naming the option", () => {
    const main = program(function* main() {})
    expect(() => scheduled(main, { quanta: -1 })).toThrow(/quanta must be a number of steps >= 0/)
    expect(() => scheduled(main, { clock: {} as never })).toThrow(
      /clock must have a now\(\) method/,
    )
    expect(() => scheduled(main, { onDaemonError: 1 as never })).toThrow(
      /onDaemonError must be a function/,
    )
  })

  it("cancels the tasks of an inner scheduler whose task is cancelled while it waits", async () => {
    const log: string[] = []
    const gate = new Promise<void>(() => {}) // never settles
    const inner = program(function* inner() {
      const waiter = yield* spawn(
        program(function* waiter() {
          try {
            yield* awaitPromise(gate)
          } finally {
            log.push("inner task cleaned up")
          }
        }),
      )
      yield* wait(waiter)
    })
    const main = program(function* main() {
      const task = yield* spawn(scheduled(inner))
      yield* sleep(0)
      yield* cancel(task)
      return [task.status, log]
    })

    expect(await runAsync(scheduled(main))).toEqual(["cancelled", ["inner task cleaned up"]])
  })
})
