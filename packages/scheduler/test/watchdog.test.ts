import {
  fn,
  getTraceback,
  handler,
  program,
  run,
  runOutcome,
  Transfer,
  withHandler,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  every,
  scheduled,
  sleep,
  spawn,
  TaskCancelledError,
  VirtualClock,
  WatchdogError,
  wait,
} from "../src/index.js"
import { Tick, thrownBy } from "./helpers.js"

/** Answers Tick outside the scheduler: the scheduler never sees these effects. */
const ticks = handler((_eff: Tick, k) => Transfer(k, 1), { handles: [Tick] })

/** Performs `n` Ticks without ever blocking. */
const busy = fn(function* busyLoop(n: number) {
  for (let i = 0; i < n; i++) yield* new Tick("busy")
})

function runTicks<T>(body: ReturnType<typeof program<T>>, quanta?: number): T {
  return run(
    withHandler(
      ticks,
      scheduled(body, { clock: new VirtualClock(), ...(quanta === undefined ? {} : { quanta }) }),
    ),
  )
}

describe("watchdog budgets", () => {
  it("a task over its step budget faults the run with WatchdogError naming the task, budget and measure", () => {
    const main = program(function* main() {
      const t = yield* spawn(busy(1_000), { name: "hog", watchdog: { steps: 200 } })
      return yield* wait(t)
    })

    const error = thrownBy(() => runTicks(main)) as WatchdogError

    expect(error).toBeInstanceOf(WatchdogError)
    expect(error.taskId).toBe(2)
    expect(error.taskName).toBe("hog")
    expect(error.budget).toBe(200)
    expect(error.unit).toBe("steps")
    expect(error.measured).toBeGreaterThan(200)
    expect(error.message).toContain('"hog"')
  })

  it("the traceback of a WatchdogError points into the offending task", () => {
    const main = program(function* main() {
      yield* spawn(busy(1_000), { name: "hog", watchdog: { steps: 100 } })
      yield* sleep(10)
    })

    const error = thrownBy(() => runTicks(main))
    const traceback = getTraceback(error)!
    const last = traceback.sections.at(-1)!

    expect(last.boundary?.name).toBe("hog")
    expect(last.frames.map((f) => f.call)).toContain("busyLoop(1000)")
  })

  it("a task over its time budget faults with unit 'ms' (real time; the virtual clock stands still)", () => {
    const spin = program(function* spinsInJs() {
      yield* new Tick("before")
      const until = performance.now() + 8
      while (performance.now() < until) {} // busy JS work inside one activation
      yield* sleep(1)
    })
    const main = program(function* main() {
      yield* spawn(spin, { name: "slow scan", watchdog: { ms: 2 } })
      yield* sleep(5)
    })

    const error = thrownBy(() => runTicks(main)) as WatchdogError

    expect(error).toBeInstanceOf(WatchdogError)
    expect(error.unit).toBe("ms")
    expect(error.budget).toBe(2)
    expect(error.measured).toBeGreaterThan(2)
  })

  it("a preemption is not a suspension: the watchdog keeps counting across it", () => {
    const main = program(function* main() {
      yield* spawn(busy(400), { name: "hog", watchdog: { steps: 500 } })
      yield* spawn(busy(400), { name: "other" })
      yield* sleep(10)
    })
    // quanta 50 preempts the hog many times, each slice far under its budget.
    expect(thrownBy(() => runTicks(main, 50))).toBeInstanceOf(WatchdogError)
  })

  it("blocking between chunks starts a new activation: a task that splits its work stays within budget", () => {
    const chunked = program(function* chunked() {
      for (let i = 0; i < 10; i++) {
        yield* busy(50)
        yield* sleep(0)
      }
      return "ok"
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(chunked, { watchdog: { steps: 500 } }))
    })
    expect(runTicks(main)).toBe("ok")
  })

  it("on a fault every other task gets TaskCancelledError and every finally block runs", () => {
    const log: string[] = []
    const bystander = program(function* bystander() {
      try {
        yield* sleep(1_000)
      } catch (error) {
        log.push(`bystander: ${(error as Error).name}`)
        throw error
      } finally {
        log.push("bystander finally")
      }
    })
    const hog = program(function* hog() {
      try {
        yield* busy(1_000)
      } finally {
        log.push("hog finally")
        yield* sleep(1) // cleanup may still use the scheduler
        log.push("hog cleanup done")
      }
    })
    const main = program(function* main() {
      try {
        yield* spawn(bystander)
        yield* spawn(hog, { watchdog: { steps: 100 } })
        yield* sleep(1_000)
      } catch (error) {
        log.push(`main: ${error instanceof TaskCancelledError ? "cancelled" : "other"}`)
        throw error
      } finally {
        log.push("main finally")
      }
    })

    expect(thrownBy(() => runTicks(main))).toBeInstanceOf(WatchdogError)
    expect(log).toContain("bystander: TaskCancelledError")
    expect(log).toContain("bystander finally")
    expect(log).toContain("hog finally")
    expect(log).toContain("hog cleanup done")
    expect(log).toContain("main: cancelled")
    expect(log).toContain("main finally")
  })

  it("catching WatchdogError does not un-fault the run", () => {
    const stubborn = program(function* stubborn() {
      try {
        yield* busy(1_000)
      } catch (error) {
        if (!(error instanceof WatchdogError)) throw error
      }
      return "carried on"
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(stubborn, { watchdog: { steps: 100 } }))
    })
    expect(thrownBy(() => runTicks(main))).toBeInstanceOf(WatchdogError)
  })

  it("an error a cleanup raises while the fault tears the run down is on the WatchdogError as suppressed", () => {
    const flushFailed = new Error("flush failed")
    const writer = program(function* writer() {
      try {
        yield* sleep(1e9)
      } finally {
        yield* sleep(1)
        // biome-ignore lint/correctness/noUnsafeFinally: the test is about a failing cleanup
        throw flushFailed
      }
    })
    const main = program(function* main() {
      yield* spawn(writer, { name: "writer" })
      yield* spawn(busy(1_000), { watchdog: { steps: 100 } })
      yield* sleep(1e9)
    })

    const error = thrownBy(() => runTicks(main))

    expect(error).toBeInstanceOf(WatchdogError)
    expect((error as { suppressed?: unknown[] }).suppressed).toEqual([flushFailed])
  })

  it("runOutcome reports the faulted task's id and name", () => {
    const main = program(function* main() {
      yield* every(10, busy(1_000), { name: "controller", watchdog: { steps: 300 } })
      yield* sleep(100)
    })
    const outcome = runOutcome(withHandler(ticks, scheduled(main, { clock: new VirtualClock() })))
    expect(outcome).toMatchObject({ status: "failed", taskId: 2, taskName: "controller" })
    expect(outcome.status === "failed" && outcome.error).toBeInstanceOf(WatchdogError)
  })

  it("a periodic task within its budget runs on", () => {
    const main = program(function* main() {
      yield* every(10, busy(20), { name: "light", watchdog: { steps: 1_000, ms: 1_000 } })
      yield* sleep(100)
      return "fine"
    })
    expect(runTicks(main)).toBe("fine")
  })

  it("a bad watchdog option is a TypeError", () => {
    const p = program(function* p() {})
    expect((thrownBy(() => spawn(p, { watchdog: {} })) as Error).message).toContain("give a budget")
    expect((thrownBy(() => spawn(p, { watchdog: { steps: -1 } })) as Error).message).toContain(
      "watchdog.steps",
    )
    expect(thrownBy(() => spawn(p, { watchdog: 5 as never }))).toBeInstanceOf(TypeError)
  })
})
