import { program } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { gather, now, sleep, sleepUntil, spawn } from "../src/index.js"
import { runVirtual } from "./helpers.js"

describe("now and sleepUntil", () => {
  it("now() reads the scheduler clock", () => {
    const times = runVirtual(
      program(function* main() {
        const start = yield* now()
        yield* sleep(250)
        return [start, yield* now()]
      }),
    )
    expect(times).toEqual([0, 250])
  })

  it("sleepUntil(t) wakes the task when the clock reads t", () => {
    const woke = runVirtual(
      program(function* main() {
        yield* sleep(30)
        yield* sleepUntil(100)
        return yield* now()
      }),
    )
    expect(woke).toBe(100)
  })

  it("sleepUntil with a time already past only yields the turn", () => {
    const log: string[] = []
    runVirtual(
      program(function* main() {
        yield* spawn(
          program(function* other() {
            log.push("other ran")
          }),
        )
        yield* sleep(50)
        yield* sleepUntil(10)
        log.push(`main at ${yield* now()}`)
      }),
    )
    expect(log).toEqual(["other ran", "main at 50"])
  })

  it("wakes tasks in time order, FIFO among equal times", () => {
    const order: string[] = []
    runVirtual(
      program(function* main() {
        const at = (name: string, t: number) =>
          program(function* sleeper() {
            yield* sleepUntil(t)
            order.push(name)
          })
        yield* gather(at("c", 30), at("a", 10), at("b1", 20), at("b2", 20))
      }),
    )
    expect(order).toEqual(["a", "b1", "b2", "c"])
  })

  it("rejects a time that is not a finite number", () => {
    expect(() => sleepUntil(Number.NaN)).toThrow(/finite time in milliseconds.*got NaN/)
    expect(() => sleepUntil("5" as never)).toThrow(TypeError)
  })
})
