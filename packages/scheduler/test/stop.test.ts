import {
  StopError as CoreStopError,
  createVM,
  handler,
  type Program,
  program,
  run,
  runAsync,
  runOutcome,
  runOutcomeAsync,
  Transfer,
  withHandler,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  awaitPromise,
  every,
  gather,
  realClock,
  StopError,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "../src/index.js"
import { Tick, thrownBy } from "./helpers.js"

/** A task that records what it received at its suspension and that its finally ran. */
const sleeper = (name: string, ms: number, log: string[]) =>
  program(function* sleeper() {
    try {
      yield* sleep(ms)
      log.push(`${name} woke`)
    } catch (error) {
      log.push(`${name}: ${(error as Error).name}`)
      throw error
    } finally {
      log.push(`${name} finally`)
    }
  })

const heartbeat = program(function* heartbeat() {})

describe("stopping a scheduled run", () => {
  it("the scheduler re-exports vm-core's StopError", () => {
    expect(StopError).toBe(CoreStopError)
  })

  it("vm.stop(): every task gets StopError at its suspension, finally blocks run, the run ends stopped", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* spawn(sleeper("a", 1e9, log))
      yield* spawn(sleeper("b", 2e9, log))
      yield* every(1, heartbeat) // keeps the virtual clock busy
      yield* sleeper("main", 3e9, log)
    })
    const vm = createVM(scheduled(main, { clock: new VirtualClock() }))

    expect(vm.runFor(500)).toBe("yield") // everyone is asleep by now
    vm.stop()
    let result = vm.step()
    while (result === "continue") result = vm.step()

    expect(result).toBe("stopped")
    expect(vm.status).toBe("stopped")
    expect(vm.error).toBeInstanceOf(StopError)
    for (const name of ["a", "b", "main"]) {
      expect(log).toContain(`${name}: StopError`)
      expect(log).toContain(`${name} finally`)
    }
    expect(log.some((e) => e.endsWith("woke"))).toBe(false)
  })

  it("a stop requested mid-activation takes effect at the task's next suspension", () => {
    const log: string[] = []
    let stopNow: () => void = () => {}
    let ticks = 0
    const ticker = handler(
      (_eff: Tick, k) => {
        if (++ticks === 3) stopNow()
        return Transfer(k, ticks)
      },
      { handles: [Tick] },
    )
    const worker = program(function* worker() {
      try {
        for (let i = 1; i <= 5; i++) log.push(`tick ${yield* new Tick("w")}`)
        log.push("about to sleep")
        yield* sleep(10)
        log.push("slept")
      } catch (error) {
        log.push(`caught ${(error as Error).name}`)
        throw error
      }
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(worker))
    })
    const vm = createVM(withHandler(ticker, scheduled(main, { clock: new VirtualClock() })))
    stopNow = () => vm.stop()

    while (vm.step() === "continue") {}

    expect(log).toEqual([
      "tick 1",
      "tick 2",
      "tick 3",
      "tick 4",
      "tick 5",
      "about to sleep",
      "caught StopError",
    ])
    expect(vm.status).toBe("stopped")
  })

  it("finally blocks may still use the scheduler while the run stops", () => {
    const log: string[] = []
    const careful = program(function* careful() {
      try {
        yield* sleep(1_000)
      } finally {
        yield* sleep(5) // asynchronous cleanup
        log.push("flushed")
      }
    })
    const main = program(function* main() {
      yield* every(1, heartbeat)
      yield* wait(yield* spawn(careful))
    })
    const vm = createVM(scheduled(main, { clock: new VirtualClock() }))
    vm.runFor(300)
    vm.stop()
    while (vm.step() === "continue") {}
    expect(log).toEqual(["flushed"])
    expect(vm.status).toBe("stopped")
  })

  it("runAsync with an AbortSignal stops a run parked on the real clock", async () => {
    const log: string[] = []
    const controller = new AbortController()
    const main = program(function* main() {
      yield* spawn(sleeper("a", 60_000, log))
      yield* sleeper("main", 60_000, log)
    })
    const running = runAsync(scheduled(main, { clock: realClock }), { signal: controller.signal })
    setTimeout(() => controller.abort(), 1)

    const error = await running.catch((e: unknown) => e)

    expect(error).toBeInstanceOf(StopError)
    expect(log).toEqual(expect.arrayContaining(["a: StopError", "a finally", "main finally"]))
  })

  it("runAsync with an AbortSignal stops tasks parked on JS promises", async () => {
    const log: string[] = []
    const controller = new AbortController()
    const waiter = program(function* waiter() {
      try {
        yield* awaitPromise(new Promise(() => {}))
      } finally {
        log.push("waiter finally")
      }
    })
    const main = program(function* main() {
      yield* wait(yield* spawn(waiter))
    })
    const running = runAsync(scheduled(main), { signal: controller.signal })
    setTimeout(() => controller.abort("shutdown"), 1)

    await expect(running).rejects.toBeInstanceOf(StopError)
    expect(log).toEqual(["waiter finally"])
  })

  it("a stopped run throws StopError from run() even if the body caught it", () => {
    const main = program(function* main() {
      try {
        for (;;) yield* sleep(1)
      } catch (error) {
        if (!(error instanceof StopError)) throw error
        return "swallowed"
      }
    })
    expect(
      thrownBy(() => run(scheduled(main, { clock: new VirtualClock(), maxRounds: 3 }))),
    ).toBeInstanceOf(StopError)
  })

  it("a task spawned by cleanup code after the stop never starts", () => {
    let started = false
    const late = program(function* late() {
      started = true
    })
    const main = program(function* main() {
      yield* every(1, heartbeat)
      try {
        yield* sleep(1_000)
      } finally {
        yield* spawn(late)
      }
    })
    const vm = createVM(scheduled(main, { clock: new VirtualClock() }))
    vm.runFor(300)
    vm.stop()
    while (vm.step() === "continue") {}
    expect(started).toBe(false)
    expect(vm.status).toBe("stopped")
  })

  it("a stopped task counts as cancelled, not failed: its StopError is not rethrown into its parent", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* spawn(sleeper("child", 100, log))
      try {
        yield* sleep(1_000)
      } catch (error) {
        log.push(`main: ${(error as Error).name}`)
      }
      yield* sleep(1) // the cleanup goes on undisturbed
      log.push("main cleanup ran")
    })
    const outcome = runOutcome(
      scheduled(
        program(function* root() {
          yield* every(
            1,
            program(function* tick() {}),
          )
          yield* main
        }),
        { clock: new VirtualClock(), maxRounds: 4 },
      ),
    )
    expect(outcome.status).toBe("stopped")
    expect(log).toContain("child: StopError")
    expect(log).toContain("main: StopError")
    expect(log).toContain("main cleanup ran")
  })

  it("a stop reaches every task of nested schedulers", () => {
    const log: string[] = []
    const inner = program(function* inner() {
      yield* spawn(sleeper("inner child", 1e9, log))
      yield* sleeper("inner root", 1e9, log)
    })
    const main = program(function* main() {
      yield* every(1, heartbeat)
      yield* spawn(sleeper("outer child", 1e9, log))
      yield* spawn(scheduled(inner, { clock: new VirtualClock() }), { name: "host" })
      yield* sleeper("outer root", 1e9, log)
    })
    const vm = createVM(scheduled(main, { clock: new VirtualClock() }))
    vm.runFor(500)
    vm.stop()
    while (vm.step() === "continue") {}

    expect(vm.status).toBe("stopped")
    for (const name of ["inner child", "inner root", "outer child", "outer root"])
      expect(log).toContain(`${name} finally`)
  })

  it("works on the real clock too: periodic tasks under runAsync stop after maxRounds", async () => {
    const starts: number[] = []
    const scan = program(function* scan() {
      starts.push(performance.now())
    })
    const main = program(function* main() {
      yield* wait(yield* every(2, scan))
    })
    const outcome = await runOutcomeAsync(scheduled(main, { clock: realClock, maxRounds: 4 }))

    expect(outcome.status).toBe("stopped")
    expect(starts.length).toBe(3) // round 1 is main; rounds 2-4 are three scans
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(3.5)
  })
})

/** A task whose cleanup sleeps, then fails with `error`. */
const failingCleanup = (error: Error, log: string[]) =>
  program(function* failingCleanup() {
    try {
      log.push("started")
      yield* sleep(1e9)
    } finally {
      yield* sleep(5)
      // biome-ignore lint/correctness/noUnsafeFinally: the test is about a failing cleanup
      throw error
    }
  })

/** Runs `main` until `ready()`, stops it, and runs the stop to its end. */
function stopWhen(main: Program<unknown>, ready: () => boolean) {
  const vm = createVM(scheduled(main, { clock: new VirtualClock() }))
  while (!ready() && vm.step() === "continue") {}
  vm.stop()
  while (vm.step() === "continue") {}
  return vm
}

const suppressedOf = (error: unknown) => (error as { suppressed?: unknown[] }).suppressed

describe("an error raised by cleanup while the run stops is kept on the StopError", () => {
  it("a task's cleanup error whose waiter was stopped too is on StopError.suppressed", () => {
    const log: string[] = []
    const flushFailed = new Error("flush failed")
    const vm = stopWhen(
      program(function* main() {
        const t = yield* spawn(failingCleanup(flushFailed, log), { name: "writer" })
        log.push("waiting")
        yield* wait(t)
      }),
      () => log.includes("started") && log.includes("waiting"),
    )

    expect(vm.status).toBe("stopped")
    expect(suppressedOf(vm.error)).toEqual([flushFailed])
  })

  it("a grandchild's cleanup error, its parent and the root stopped while waiting, is on StopError.suppressed", () => {
    const log: string[] = []
    const flushFailed = new Error("flush failed")
    const vm = stopWhen(
      program(function* main() {
        const mid = yield* spawn(
          program(function* mid() {
            yield* wait(yield* spawn(failingCleanup(flushFailed, log), { name: "writer" }))
          }),
        )
        yield* wait(mid)
      }),
      () => log.includes("started"),
    )

    expect(vm.status).toBe("stopped")
    expect(suppressedOf(vm.error)).toEqual([flushFailed])
  })

  it("the root task's own cleanup error is on StopError.suppressed", () => {
    const log: string[] = []
    const flushFailed = new Error("flush failed")
    const vm = stopWhen(failingCleanup(flushFailed, log), () => log.includes("started"))

    expect(vm.status).toBe("stopped")
    expect(suppressedOf(vm.error)).toEqual([flushFailed])
  })

  it("runOutcome of a stopped run reports the cleanup errors of its tasks", () => {
    const log: string[] = []
    const first = new Error("first cleanup failed")
    const second = new Error("second cleanup failed")
    const outcome = runOutcome(
      scheduled(
        program(function* main() {
          yield* every(1, heartbeat)
          yield* gather(failingCleanup(first, log), failingCleanup(second, log))
        }),
        { clock: new VirtualClock(), maxRounds: 4 },
      ),
    )

    expect(outcome.status).toBe("stopped")
    const error = (outcome as { error?: unknown }).error
    expect(suppressedOf(error)).toEqual(expect.arrayContaining([first, second]))
  })
})
