// Tasks already ending are left to finish their cleanup; interrupts that are not a task's
// own cancellation end the whole run.
import {
  createVM,
  Effect,
  handler,
  Interrupt,
  type Program,
  program,
  run,
  StopError,
  Transfer,
  withHandler,
  type Yielded,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  cancel,
  scheduled,
  sleep,
  spawn,
  TaskCancelledError,
  VirtualClock,
  WatchdogError,
  wait,
} from "../src/index.js"
import { Tick, thrownBy } from "./helpers.js"

/** Answers Tick outside the scheduler: a task performing Ticks never suspends. */
const ticks = handler((_eff: Tick, k) => Transfer(k, 1), { handles: [Tick] })

/** Sleeps; once cancelled, its finally sleeps 50 ms and logs whatever is thrown into it. */
const slowCleanup = (log: string[]) =>
  program(function* slowCleanup(): Generator<Yielded, void, unknown> {
    try {
      yield* sleep(1000)
    } finally {
      log.push("cleanup started")
      try {
        yield* sleep(50)
        log.push("cleanup done")
      } catch (error) {
        log.push(`cleanup cut short by ${(error as Error).name}`)
      }
    }
  })

class Shutdown extends Interrupt {}

describe("cleanups are never cut short", () => {
  it("a stop arriving while a cancelled task sleeps in its finally lets the cleanup finish", () => {
    const log: string[] = []
    const vm = createVM(
      scheduled(
        program(function* main() {
          const t = yield* spawn(slowCleanup(log), { name: "leaf" })
          yield* sleep(1)
          yield* cancel(t)
          yield* sleep(1000)
        }),
        { clock: new VirtualClock() },
      ),
    )
    while (!log.includes("cleanup started") && vm.step() === "continue") {}
    vm.stop()
    while (vm.step() === "continue") {}

    expect(log).toEqual(["cleanup started", "cleanup done"])
    expect(vm.status).toBe("stopped")
    expect(vm.error).toBeInstanceOf(StopError)
  })

  it("a stop waits for a cleanup only as long as the task's watchdog allows", () => {
    const log: string[] = []
    const endless = program(function* endless(): Generator<Yielded, void, unknown> {
      try {
        yield* sleep(1000)
      } finally {
        log.push("cleanup started")
        for (;;) yield* new Tick("cleanup")
      }
    })
    const vm = createVM(
      withHandler(
        ticks,
        scheduled(
          program(function* main() {
            const t = yield* spawn(endless, { name: "leaf", watchdog: { steps: 200 } })
            yield* sleep(1)
            yield* cancel(t)
            yield* sleep(1000)
          }),
          { clock: new VirtualClock() },
        ),
      ),
    )
    while (!log.includes("cleanup started") && vm.step() === "continue") {}
    vm.stop()
    // Without the watchdog this cleanup never ends; with it the stop ends the run soon after.
    let steps = 0
    while (vm.step() === "continue")
      if (++steps > 100_000) throw new Error("the stop never ended the run")

    expect(steps).toBeLessThan(5_000)
    expect(vm.status).toBe("stopped")
  })

  it("a watchdog fault does not cut short the cleanup of a task already cancelled", () => {
    const log: string[] = []
    const spin = program(function* spin() {
      yield* sleep(10) // the leaf is in its cleanup by then
      for (;;) yield* new Tick("spin")
    })
    const error = thrownBy(() =>
      run(
        withHandler(
          ticks,
          scheduled(
            program(function* main() {
              const t = yield* spawn(slowCleanup(log), { name: "leaf" })
              yield* spawn(spin, { name: "spin", watchdog: { steps: 200 } })
              yield* sleep(1)
              yield* cancel(t)
              yield* sleep(1000)
            }),
            { clock: new VirtualClock() },
          ),
        ),
      ),
    )

    expect(error).toBeInstanceOf(WatchdogError)
    expect(log).toEqual(["cleanup started", "cleanup done"])
  })
})

/** Runs `main` under a scheduler until `ready()`, stops it, and runs the stop to its end. */
function stopWhen(main: Program<unknown>, ready: () => boolean, outer = ticks) {
  const vm = createVM(withHandler(outer, scheduled(main, { clock: new VirtualClock() })))
  while (!ready() && vm.step() === "continue") {}
  vm.stop()
  let steps = 0
  while (vm.step() === "continue")
    if (++steps > 100_000) throw new Error("the stop never ended the run")
  return { vm, steps }
}

/** Ends the region it is performed in without resuming (its `finally` blocks run). */
class Abort extends Effect<never> {}
const aborting = handler((_eff: Abort, _k) => "aborted", { name: "aborting", handles: [Abort] })

describe("a stop and the states of an ending task", () => {
  it("a task faulted by its watchdog gets no StopError while its finally runs", () => {
    const log: string[] = []
    const overrun = program(function* overrun(): Generator<Yielded, void, unknown> {
      try {
        for (;;) yield* new Tick("busy")
      } finally {
        log.push("cleanup started")
        try {
          yield* sleep(50)
          log.push("cleanup done")
        } catch (error) {
          log.push(`cleanup cut short by ${(error as Error).name}`)
        }
      }
    })
    const { vm } = stopWhen(
      program(function* main() {
        yield* spawn(overrun, { name: "overrun", watchdog: { steps: 200 } })
        yield* sleep(1000)
      }),
      () => log.includes("cleanup started"),
    )

    expect(log).toEqual(["cleanup started", "cleanup done"])
    expect(vm.isDone()).toBe(true)
  })

  it("a stop while a failed task's children finish their cleanup lets them finish, and keeps the failure", () => {
    const log: string[] = []
    const failure = new Error("parent failed")
    const parent = program(function* parent() {
      yield* spawn(slowCleanup(log), { name: "child" })
      yield* sleep(1)
      throw failure // the body ends: its child is cancelled, the parent waits for its cleanup
    })
    const { vm } = stopWhen(
      program(function* main() {
        yield* wait(yield* spawn(parent, { name: "parent" }))
      }),
      () => log.includes("cleanup started"),
    )

    expect(log).toEqual(["cleanup started", "cleanup done"])
    expect(vm.status).toBe("stopped")
    expect((vm.error as { suppressed?: unknown[] }).suppressed).toEqual([failure])
  })

  it("a stop waits for the finally blocks of a region its handler ended without resuming, then reaches the task", () => {
    const log: string[] = []
    const region = program(function* region(): Generator<Yielded, string, unknown> {
      try {
        yield* sleep(1)
        yield* new Abort()
        return "not aborted"
      } finally {
        log.push("cleanup started")
        yield* sleep(50)
        log.push("cleanup done")
      }
    })
    const leaf = program(function* leaf() {
      log.push(`region ${yield* withHandler(aborting, region)}`)
      try {
        yield* sleep(10)
        log.push("leaf went on")
      } catch (error) {
        log.push(`leaf: ${(error as Error).name}`)
      }
    })
    const { vm } = stopWhen(
      program(function* main() {
        yield* spawn(leaf, { name: "leaf" })
        yield* sleep(1000)
      }),
      () => log.includes("cleanup started"),
    )

    expect(log).toEqual(["cleanup started", "cleanup done", "region aborted", "leaf: StopError"])
    expect(vm.status).toBe("stopped")
  })

  it("a stop waits for such a region's cleanup only as long as the task's watchdog allows", () => {
    const log: string[] = []
    const region = program(function* region(): Generator<Yielded, void, unknown> {
      try {
        yield* sleep(1)
        yield* new Abort()
      } finally {
        log.push("cleanup started")
        for (;;) yield* new Tick("cleanup")
      }
    })
    const { vm, steps } = stopWhen(
      program(function* main() {
        yield* spawn(withHandler(aborting, region), { name: "leaf", watchdog: { steps: 200 } })
        yield* sleep(1e9)
      }),
      () => log.includes("cleanup started"),
    )

    // Without the watchdog this cleanup never ends; with it the run ends soon after.
    expect(steps).toBeLessThan(5_000)
    expect(vm.isDone()).toBe(true)
  })

  it("a task unwinding its own error through a finally in its body counts as running: the stop reaches it at its next suspension", () => {
    // A finally the error was thrown into cannot be told from a catch that recovered (see
    // the retry loop below), so the stop is thrown there, as asyncio and trio do.
    const log: string[] = []
    const leaf = program(function* leaf(): Generator<Yielded, void, unknown> {
      try {
        yield* sleep(1)
        throw new Error("own failure")
      } finally {
        log.push("cleanup started")
        try {
          yield* sleep(50)
          log.push("cleanup done")
        } catch (error) {
          log.push(`stopped in cleanup by ${(error as Error).name}`)
        }
      }
    })
    const { vm } = stopWhen(
      program(function* main() {
        yield* spawn(leaf, { name: "leaf" })
        yield* sleep(1000)
      }),
      () => log.includes("cleanup started"),
    )

    expect(log).toEqual(["cleanup started", "stopped in cleanup by StopError"])
    expect(vm.status).toBe("stopped")
  })

  it("a task that caught an error and backs off before retrying is stopped during the backoff", () => {
    const log: string[] = []
    const retrying = program(function* retrying(): Generator<Yielded, void, unknown> {
      for (;;) {
        try {
          yield* sleep(1)
          throw new Error("flaky")
        } catch {
          log.push("backing off")
          yield* sleep(1000)
        }
      }
    })
    const { vm, steps } = stopWhen(
      program(function* main() {
        yield* spawn(retrying, { name: "retrying" })
        yield* sleep(1e9)
      }),
      () => log.includes("backing off"),
    )

    expect(log).toEqual(["backing off"])
    expect(steps).toBeLessThan(500)
    expect(vm.status).toBe("stopped")
  })

  it("a retry loop that lets interrupts through is stopped during an attempt", () => {
    const log: string[] = []
    const retrying = program(function* retrying(): Generator<Yielded, void, unknown> {
      for (;;) {
        try {
          log.push("attempt")
          yield* sleep(1000)
          throw new Error("flaky")
        } catch (error) {
          if (error instanceof Interrupt) throw error
          yield* sleep(10)
        }
      }
    })
    const { vm, steps } = stopWhen(
      program(function* main() {
        yield* spawn(retrying, { name: "retrying" })
        yield* sleep(1e9)
      }),
      () => log.includes("attempt"),
    )

    expect(log).toEqual(["attempt"])
    expect(steps).toBeLessThan(500)
    expect(vm.status).toBe("stopped")
  })
})

describe("an interrupt that is not a task's own cancellation ends the run", () => {
  it("a user Interrupt subclass thrown in a task is not caught by its waiter; run throws it", () => {
    const seen: string[] = []
    const finals: string[] = []
    const thrower = program(function* thrower() {
      yield* sleep(1)
      throw new Shutdown("operator shutdown")
    })
    const bystander = program(function* bystander() {
      try {
        yield* sleep(1000)
      } finally {
        finals.push("bystander")
      }
    })
    const error = thrownBy(() =>
      run(
        scheduled(
          program(function* main() {
            yield* spawn(bystander)
            const t = yield* spawn(thrower, { name: "thrower" })
            try {
              yield* wait(t)
            } catch (caught) {
              seen.push((caught as Error).name)
            } finally {
              finals.push("main")
            }
            return "main went on"
          }),
          { clock: new VirtualClock() },
        ),
      ),
    )

    expect(error).toBeInstanceOf(Shutdown)
    expect(seen).not.toContain("Shutdown")
    expect(finals.sort()).toEqual(["bystander", "main"])
  })

  it("a StopError thrown by hand in a task ends the run with it", () => {
    const handMade = new StopError("by hand")
    const error = thrownBy(() =>
      run(
        scheduled(
          program(function* main() {
            const a = yield* spawn(
              program(function* stopsByHand() {
                yield* sleep(1)
                throw handMade
              }),
            )
            try {
              return yield* wait(a)
            } catch {
              return "the waiter caught it"
            }
          }),
          { clock: new VirtualClock() },
        ),
      ),
    )

    expect(error).toBe(handMade)
  })

  it("a task's own cancellation is still an ordinary cancelled outcome", () => {
    const result = run(
      scheduled(
        program(function* main() {
          const t = yield* spawn(
            program(function* sleeper() {
              yield* sleep(100)
            }),
          )
          yield* cancel(t)
          try {
            yield* wait(t)
            return "not cancelled"
          } catch (error) {
            return error instanceof TaskCancelledError ? "cancelled" : "other"
          }
        }),
        { clock: new VirtualClock() },
      ),
    )

    expect(result).toBe("cancelled")
  })
})
