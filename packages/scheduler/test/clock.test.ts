import { createVM, fn, formatTraceback, program, run, runAsync, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { cancel, gather, realClock, scheduled, sleep, spawn, VirtualClock } from "../src/index.js"
import { thrownBy } from "./helpers.js"

const napper = fn(function* napper(
  log: string[],
  name: string,
  ms: number,
): Generator<Yielded, void, unknown> {
  yield* sleep(ms)
  log.push(name)
})

describe("sleep and clocks", () => {
  it("finishes an hour of virtual sleep instantly under run", () => {
    const clock = new VirtualClock()
    const main = program(function* main() {
      yield* sleep(60 * 60 * 1000)
      return clock.now()
    })

    const started = performance.now()
    expect(run(scheduled(main, { clock }))).toBe(3_600_000)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it("wakes tasks in time order", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* gather(napper(log, "30", 30), napper(log, "10", 10), napper(log, "20", 20))
      return log
    })

    expect(run(scheduled(main, { clock: new VirtualClock() }))).toEqual(["10", "20", "30"])
  })

  it("wakes tasks due at the same time first in, first out", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* gather(napper(log, "a", 10), napper(log, "b", 10), napper(log, "c", 10))
      return log
    })

    expect(run(scheduled(main, { clock: new VirtualClock() }))).toEqual(["a", "b", "c"])
  })

  it("sleep(0) yields to the other ready tasks", () => {
    const log: string[] = []
    const stepper = fn(function* stepper(name: string) {
      for (let i = 0; i < 2; i++) {
        log.push(`${name}${i}`)
        yield* sleep(0)
      }
    })
    const main = program(function* main() {
      yield* gather(stepper("a"), stepper("b"))
      return log
    })

    expect(run(scheduled(main, { clock: new VirtualClock() }))).toEqual(["a0", "b0", "a1", "b1"])
  })

  it("moves the virtual clock only when every task waits on time", () => {
    const clock = new VirtualClock(1000)
    const seen: number[] = []
    const busy = program(function* busy() {
      for (let i = 0; i < 3; i++) {
        seen.push(clock.now())
        yield* sleep(0)
      }
    })
    const main = program(function* main() {
      yield* gather(napper([], "sleeper", 50), busy)
      return [seen, clock.now()]
    })

    expect(run(scheduled(main, { clock }))).toEqual([[1000, 1000, 1000], 1050])
  })

  it("no longer waits for the timer of a cancelled sleeper", () => {
    const clock = new VirtualClock()
    const main = program(function* main() {
      const long = yield* spawn(napper([], "long", 10_000))
      yield* sleep(5)
      yield* cancel(long)
      return clock.now()
    })

    expect(run(scheduled(main, { clock }))).toBe(5)
  })

  it("sleeps on a real timer with realClock under runAsync", async () => {
    const main = program(function* main() {
      const started = realClock.now()
      yield* sleep(15)
      return realClock.now() - started
    })

    expect(await runAsync(scheduled(main, { clock: realClock }))).toBeGreaterThanOrEqual(14)
  })

  it("fails a realClock sleep under run with advice to use runAsync or a VirtualClock", () => {
    const main = program(function* main() {
      yield* sleep(10)
    })

    expect(String(thrownBy(() => run(scheduled(main))))).toMatch(
      /Every task waits on the real clock.*runAsync.*VirtualClock/,
    )
  })

  it("rejects a duration that is not a finite number", () => {
    const main = program(function* main() {
      yield* sleep(Number.NaN)
    })

    expect(String(thrownBy(() => run(scheduled(main))))).toMatch(
      /TypeError: sleep\(ms\) expects a finite number/,
    )
  })
})

describe("realClock wake-ups", () => {
  it("a parked machine wakes once per timer: the timer is due when the park ends", async () => {
    let secondParks = 0
    for (let i = 0; i < 10; i++) {
      const vm = createVM(
        scheduled(
          program(function* naps() {
            yield* sleep(2.3)
          }),
          { clock: realClock },
        ),
      )
      let parks = 0
      for (let r = vm.runFor(1e6); r === "external"; r = vm.runFor(1e6)) {
        parks++
        await vm.whenReady()
      }
      if (parks > 1) secondParks++
      expect(vm.status).toBe("done")
    }
    expect(secondParks).toBe(0)
  })
})

describe("sleeping on realClock under run()", () => {
  it("fails with an error raised where the root task waits: its frame and its sleep show", () => {
    const napper = program(function* napper() {
      yield* sleep(10)
    })
    const error = thrownBy(() => run(scheduled(napper, { clock: realClock })))
    expect((error as Error).message).toMatch(
      /under run\(\) scheduled\(body, \{ clock: new VirtualClock\(\) \}\)/,
    )
    const text = formatTraceback(error)
    expect(text).toMatch(
      / {2}napper\(\) {2}\(defined at\) packages\/scheduler\/test\/clock\.test\.ts:\d+/,
    )
    expect(text).toContain("performing sleep(10 ms)")
  })
})
