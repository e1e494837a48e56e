import { program, run, runOutcome } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  completePromise,
  createPromise,
  every,
  StopError,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "../src/index.js"
import { thrownBy } from "./helpers.js"

describe("scheduled(body, { maxRounds })", () => {
  it("stops after N rounds: two tasks that yield each get one activation per round after the first", () => {
    const counts = { a: 0, b: 0 }
    const spinner = (name: "a" | "b") =>
      program(function* spinner() {
        for (;;) {
          counts[name]++
          yield* sleep(0)
        }
      })
    const main = program(function* main() {
      const a = yield* spawn(spinner("a"))
      yield* spawn(spinner("b"))
      yield* wait(a)
    })

    const outcome = runOutcome(scheduled(main, { clock: new VirtualClock(), maxRounds: 5 }))

    // Round 1 is main's first activation; rounds 2 to 5 give a and b one activation each.
    expect(counts).toEqual({ a: 4, b: 4 })
    expect(outcome.status).toBe("stopped")
    expect(outcome.steps).toBeGreaterThan(0)
  })

  it("reaching the limit stops the run like vm.stop(): run() throws StopError", () => {
    const main = program(function* main() {
      for (;;) yield* sleep(0)
    })
    const error = thrownBy(() => run(scheduled(main, { maxRounds: 2 })))
    expect(error).toBeInstanceOf(StopError)
    expect((error as Error).message).toContain("maxRounds (2)")
  })

  it("a task made ready during a round first runs in the next, even with a higher priority", () => {
    const order = (maxRounds?: number) => {
      const log: string[] = []
      const main = program(function* main() {
        const signal = yield* createPromise<void>()
        const waiter = yield* spawn(
          program(function* waiter() {
            log.push("waiter waits")
            yield* wait(signal)
            log.push("waiter woken")
          }),
          { priority: 9 },
        )
        const a = yield* spawn(
          program(function* a() {
            yield* completePromise(signal, undefined)
            log.push("a completed the signal")
            yield* sleep(0)
          }),
          { priority: 1 },
        )
        const b = yield* spawn(
          program(function* b() {
            log.push("b")
          }),
        )
        yield* wait(waiter)
        yield* wait(a)
        yield* wait(b)
      })
      run(
        scheduled(main, {
          clock: new VirtualClock(),
          ...(maxRounds === undefined ? {} : { maxRounds }),
        }),
      )
      return log
    }

    expect(order(100)).toEqual(["waiter waits", "a completed the signal", "b", "waiter woken"])
    // Without rounds the woken high-priority task goes first.
    expect(order()).toEqual(["waiter waits", "a completed the signal", "waiter woken", "b"])
  })

  it("clock jumps are not rounds", () => {
    const clock = new VirtualClock()
    const scans: number[] = []
    const main = program(function* main() {
      const t = yield* every(
        10,
        program(function* scan() {
          scans.push(clock.now())
        }),
      )
      yield* wait(t)
    })

    const outcome = runOutcome(scheduled(main, { clock, maxRounds: 4 }))

    // Round 1: main; rounds 2-4: the scans at 0, 10 and 20 (the jumps between are free).
    expect(scans).toEqual([0, 10, 20])
    expect(outcome.status).toBe("stopped")
  })

  it("a run that ends before the limit ends normally", () => {
    const main = program(function* main() {
      yield* sleep(0)
      return "done early"
    })
    expect(run(scheduled(main, { maxRounds: 10 }))).toBe("done early")
  })

  it("maxRounds must be a whole number >= 1", () => {
    const main = program(function* main() {})
    expect(thrownBy(() => scheduled(main, { maxRounds: 0 }))).toBeInstanceOf(TypeError)
    expect(thrownBy(() => scheduled(main, { maxRounds: 1.5 }))).toBeInstanceOf(TypeError)
  })
})
