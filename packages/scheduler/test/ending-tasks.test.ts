// Tasks already ending are left to finish their cleanup; interrupts that are not a task's
// own cancellation end the whole run.
import {
  createVM,
  handler,
  Interrupt,
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
