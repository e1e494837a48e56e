// docs/semantics.md §10 "Cyclic work and budgets" and the precise rules on every/taskStats, checked
// black-box through the package names a user imports.

import {
  cancel,
  every,
  realClock,
  scheduled,
  sleep,
  spawn,
  type Task,
  taskStats,
  VirtualClock,
} from "@effvm/scheduler"
import { program, run, runAsync } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

function recorder(clock: VirtualClock, starts: number[], busyMs: (n: number) => number) {
  return program(function* activation() {
    const n = starts.length
    starts.push(clock.now())
    const ms = busyMs(n)
    if (ms > 0) yield* sleep(ms)
  })
}

describe("every(intervalMs, program, options)", () => {
  it("`yield* every(...)` returns the periodic Task, like spawn, named by its options", () => {
    const clock = new VirtualClock()
    const starts: number[] = []
    const seen = run(
      scheduled(
        program(function* body() {
          const task = yield* every(
            100,
            recorder(clock, starts, () => 0),
            { name: "ticker" },
          )
          const spawned = yield* spawn(program(function* other() {}))
          yield* sleep(250)
          yield* cancel(task)
          return { task, spawned }
        }),
        { clock },
      ),
    )
    expect(typeof seen.task.id).toBe("number")
    expect(seen.task.name).toBe("ticker")
    expect(Object.getPrototypeOf(seen.task)).toBe(Object.getPrototypeOf(seen.spawned))
  })

  it("runs the first activation at once, then one per interval on the scheduler clock", () => {
    const clock = new VirtualClock()
    const starts: number[] = []
    run(
      scheduled(
        program(function* body() {
          yield* sleep(10)
          yield* every(
            100,
            recorder(clock, starts, () => 0),
          )
          yield* sleep(350)
        }),
        { clock },
      ),
    )
    expect(starts).toEqual([10, 110, 210, 310])
  })

  it("starts activation n at first + n·interval however long the previous one took", () => {
    const clock = new VirtualClock()
    const starts: number[] = []
    run(
      scheduled(
        program(function* body() {
          yield* every(
            100,
            recorder(clock, starts, (n) => [30, 90, 5, 60][n] ?? 0),
          )
          yield* sleep(450)
        }),
        { clock },
      ),
    )
    expect(starts).toEqual([0, 100, 200, 300, 400])
  })

  it("does not count an overrun when an activation ends exactly at its due time", () => {
    const clock = new VirtualClock()
    const starts: number[] = []
    const stats = run(
      scheduled(
        program(function* body() {
          const task = yield* every(
            100,
            recorder(clock, starts, () => 100),
          )
          yield* sleep(350)
          return yield* taskStats(task)
        }),
        { clock },
      ),
    )
    expect(starts).toEqual([0, 100, 200, 300])
    expect(stats.overruns).toBe(0)
    expect(stats.activations).toBe(3)
  })

  it("counts one overrun for a late activation however many due times it missed, and realigns to now + interval", () => {
    const clock = new VirtualClock()
    const starts: number[] = []
    const stats = run(
      scheduled(
        program(function* body() {
          const task = yield* every(
            100,
            recorder(clock, starts, (n) => (n === 0 ? 350 : 0)),
          )
          yield* sleep(700)
          return yield* taskStats(task)
        }),
        { clock },
      ),
    )
    // The first activation ends at 350 (due times 100, 200, 300 missed): no burst,
    // next due = 350 + 100.
    expect(starts).toEqual([0, 450, 550, 650])
    expect(stats.overruns).toBe(1)
  })

  it("counts each late activation as its own overrun", () => {
    const clock = new VirtualClock()
    const starts: number[] = []
    const stats = run(
      scheduled(
        program(function* body() {
          const task = yield* every(
            100,
            recorder(clock, starts, (n) => (n < 2 ? 150 : 0)),
          )
          yield* sleep(520)
          return yield* taskStats(task)
        }),
        { clock },
      ),
    )
    // 0..150 late (due 100) → next 250; 250..400 late (due 350) → next 500
    expect(starts.slice(0, 3)).toEqual([0, 250, 500])
    expect(stats.overruns).toBe(2)
  })

  it("accepts a priority option: a higher-priority periodic task runs before an equal-time lower one", () => {
    const clock = new VirtualClock()
    const order: string[] = []
    run(
      scheduled(
        program(function* body() {
          yield* every(
            100,
            program(function* low() {
              order.push("low")
            }),
            { priority: 0 },
          )
          yield* every(
            100,
            program(function* high() {
              order.push("high")
            }),
            { priority: 5 },
          )
          yield* sleep(150)
        }),
        { clock },
      ),
    )
    expect(order.slice(0, 4)).toEqual(["high", "low", "high", "low"])
  })

  it("works on the real clock under runAsync", async () => {
    const starts: number[] = []
    const stats = await runAsync(
      scheduled(
        program(function* body() {
          const task = yield* every(
            20,
            program(function* tick() {
              starts.push(Date.now())
            }),
          )
          yield* sleep(70)
          return yield* taskStats(task)
        }),
        { clock: realClock },
      ),
    )
    expect(stats.activations).toBeGreaterThanOrEqual(2)
    expect(starts.length).toBe(stats.activations)
  })
})

describe("taskStats(task)", () => {
  it("is an effect giving exactly { activations, lastMs, maxMs, overruns }", () => {
    const clock = new VirtualClock()
    const stats = run(
      scheduled(
        program(function* body() {
          const task: Task<never> = yield* every(
            100,
            program(function* work() {
              yield* sleep(20)
            }),
          )
          yield* sleep(150)
          return yield* taskStats(task)
        }),
        { clock },
      ),
    )
    expect(Object.keys(stats).sort()).toEqual(["activations", "lastMs", "maxMs", "overruns"])
  })

  it("measures lastMs/maxMs in scheduler-clock ms from start to end of a run, sleeps included", () => {
    const clock = new VirtualClock()
    const durations = [40, 70, 10]
    const stats = run(
      scheduled(
        program(function* body() {
          let n = 0
          const task = yield* every(
            100,
            program(function* work() {
              yield* sleep(durations[n++] ?? 0)
            }),
          )
          yield* sleep(250)
          return yield* taskStats(task)
        }),
        { clock },
      ),
    )
    // activations at 0 (40 ms), 100 (70 ms), 200 (10 ms), all ended by 250
    expect(stats).toEqual({ activations: 3, lastMs: 10, maxMs: 70, overruns: 0 })
  })

  it("measures real milliseconds on the real clock, where a busy activation longer than the interval is an overrun", async () => {
    const stats = await runAsync(
      scheduled(
        program(function* body() {
          const task = yield* every(
            20,
            program(function* busy() {
              const until = Date.now() + 30
              while (Date.now() < until) {
                // burns real time without suspending
              }
            }),
          )
          yield* sleep(100)
          return yield* taskStats(task)
        }),
        { clock: realClock },
      ),
    )
    expect(stats.activations).toBeGreaterThanOrEqual(1)
    expect(stats.lastMs).toBeGreaterThanOrEqual(29)
    expect(stats.maxMs).toBeGreaterThanOrEqual(stats.lastMs)
    expect(stats.overruns).toBe(stats.activations)
  })

  it("counts only completed runs in activations (an activation in progress is not counted)", () => {
    const clock = new VirtualClock()
    const stats = run(
      scheduled(
        program(function* body() {
          const task = yield* every(
            100,
            program(function* work() {
              yield* sleep(50)
            }),
          )
          yield* sleep(120) // second activation started at 100, still sleeping
          return yield* taskStats(task)
        }),
        { clock },
      ),
    )
    expect(stats.activations).toBe(1)
    expect(stats.lastMs).toBe(50)
  })
})
