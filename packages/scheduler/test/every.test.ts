import { fn, program, run } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  every,
  scheduled,
  sleep,
  spawn,
  type TaskStats,
  taskStats,
  VirtualClock,
} from "../src/index.js"
import { thrownBy } from "./helpers.js"

describe("every", () => {
  it("two periodic tasks of 10 ms and 100 ms run by priority at each due time, and count", () => {
    const clock = new VirtualClock()
    const log: string[] = []
    const scan = fn(function* scan(name: string) {
      log.push(`${name}@${clock.now()}`)
    })
    const main = program(function* main() {
      const sensor = yield* every(10, scan("sensor"), { name: "sensor", priority: 1 })
      const controller = yield* every(100, scan("controller"), {
        name: "controller",
        priority: 2,
      })
      yield* sleep(200)
      return [yield* taskStats(sensor), yield* taskStats(controller)]
    })

    const [sensor, controller] = run(scheduled(main, { clock })) as TaskStats[]

    expect(sensor!.activations).toBe(21) // 0, 10, …, 200
    expect(controller!.activations).toBe(3) // 0, 100, 200
    expect(sensor!.overruns).toBe(0)
    expect(controller!.overruns).toBe(0)
    expect(log.slice(0, 3)).toEqual(["controller@0", "sensor@0", "sensor@10"])
    expect(log.filter((e) => e.endsWith("@100"))).toEqual(["controller@100", "sensor@100"])
    expect(log.filter((e) => e.endsWith("@200"))).toEqual(["controller@200", "sensor@200"])
    expect(log.filter((e) => e.startsWith("sensor")).length).toBe(21)
  })

  it("an activation that sleeps past its due time counts exactly one overrun and the next due time is realigned", () => {
    const clock = new VirtualClock()
    const starts: number[] = []
    let runs = 0
    const scan = program(function* scan() {
      starts.push(clock.now())
      if (runs++ === 1) yield* sleep(15) // due again at 20, ends at 25
    })
    const main = program(function* main() {
      const task = yield* every(10, scan)
      yield* sleep(50)
      return yield* taskStats(task)
    })

    const stats = run(scheduled(main, { clock }))

    expect(starts).toEqual([0, 10, 35, 45])
    expect(stats).toEqual({ activations: 4, lastMs: 0, maxMs: 15, overruns: 1 })
  })

  it("a late activation counts one overrun however many due times it missed", () => {
    const clock = new VirtualClock()
    const starts: number[] = []
    let runs = 0
    const scan = program(function* scan() {
      starts.push(clock.now())
      if (runs++ === 0) yield* sleep(35) // misses 10, 20 and 30
    })
    const main = program(function* main() {
      const task = yield* every(10, scan)
      yield* sleep(60)
      return yield* taskStats(task)
    })

    const stats = run(scheduled(main, { clock }))

    expect(stats.overruns).toBe(1)
    expect(starts).toEqual([0, 45, 55])
  })

  it("without overruns, activation n starts at first + n·interval however long the previous took", () => {
    const clock = new VirtualClock(1_000)
    const starts: number[] = []
    const scan = fn(function* scan() {
      starts.push(clock.now())
      yield* sleep(starts.length % 2 === 0 ? 7 : 3)
    })
    const main = program(function* main() {
      yield* every(10, scan())
      yield* sleep(45)
    })

    run(scheduled(main, { clock }))

    expect(starts).toEqual([1_000, 1_010, 1_020, 1_030, 1_040])
  })

  it("an activation ending exactly at its due time is not an overrun", () => {
    const clock = new VirtualClock()
    const starts: number[] = []
    const scan = program(function* scan() {
      starts.push(clock.now())
      yield* sleep(10)
    })
    const main = program(function* main() {
      const task = yield* every(10, scan)
      yield* sleep(35)
      return yield* taskStats(task)
    })

    const stats = run(scheduled(main, { clock }))

    expect(stats.overruns).toBe(0)
    expect(stats.lastMs).toBe(10)
    expect(starts).toEqual([0, 10, 20, 30])
  })

  it("a periodic task is a child of its spawner: it ends when the spawner ends", () => {
    const clock = new VirtualClock()
    let scans = 0
    const scan = program(function* scan() {
      scans++
    })
    const main = program(function* main() {
      yield* every(5, scan)
      yield* sleep(20)
      return "done"
    })
    expect(run(scheduled(main, { clock }))).toBe("done")
    // 0, 5, 10, 15: at 20 main's older timer wakes first, and main's end cancels the task.
    expect(scans).toBe(4)
  })

  it("a failing activation fails the periodic task like any task", () => {
    const clock = new VirtualClock()
    const scan = program(function* faultyScan() {
      if (clock.now() >= 20) throw new Error("sensor unplugged")
    })
    const main = program(function* main() {
      yield* every(10, scan, { name: "sensor" })
      yield* sleep(100)
    })
    expect(() => run(scheduled(main, { clock }))).toThrow("sensor unplugged")
  })

  it("taskStats of a task that is not periodic is a TypeError at the perform site", () => {
    const main = program(function* main() {
      const task = yield* spawn(program(function* plain() {}))
      try {
        yield* taskStats(task)
      } catch (error) {
        return error
      }
    })
    const error = run(scheduled(main, { clock: new VirtualClock() }))
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toContain("not a periodic task")
  })

  it("bad arguments are TypeErrors naming the value", () => {
    const p = program(function* p() {})
    expect(thrownBy(() => every(0, p))).toBeInstanceOf(TypeError)
    expect((thrownBy(() => every(Number.NaN, p)) as Error).message).toContain("intervalMs")
    expect((thrownBy(() => every(10, (() => p) as never)) as Error).message).toContain(
      "expects a program",
    )
    expect((thrownBy(() => every(10, p, { priority: Number.NaN })) as Error).message).toContain(
      "every(program, { priority })",
    )
    expect(thrownBy(() => taskStats({} as never))).toBeInstanceOf(TypeError)
  })
})
