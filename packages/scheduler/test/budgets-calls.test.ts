// Budgets see sub-program calls: a task that loops over sub-programs without performing any
// effect is still preempted, stopped or faulted close to its budget.
import { createVM, fn, getTraceback, program, runOutcome, StopError } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { gather, scheduled, spawn, VirtualClock, WatchdogError, wait } from "../src/index.js"
import { thrownBy } from "./helpers.js"

const leaf = fn(function* leaf(i: number) {
  return i
})

/** Calls `n` sub-programs and performs nothing: only frame pushes, no effect. */
const callsOnly = fn(function* callsOnly(n: number, log: string[], who: string) {
  let total = 0
  for (let i = 0; i < n; i++) {
    if (i % 100 === 0) log.push(who)
    total += yield* leaf(i)
  }
  return total
})

describe("budgets are checked when a frame is pushed", () => {
  it("fairness preemption interleaves two tasks that only call sub-programs", () => {
    const log: string[] = []
    runOutcome(
      scheduled(
        program(function* main() {
          const a = yield* spawn(callsOnly(1000, log, "a"))
          const b = yield* spawn(callsOnly(1000, log, "b"))
          return yield* gather(a, b)
        }),
        { clock: new VirtualClock(), quanta: 200 },
      ),
    )
    // Without preemption at calls: ten a's, then ten b's.
    expect(log.slice(0, 10)).toContain("b")
  })

  it("a watchdog step budget faults a task that only calls sub-programs, within a few steps of it", () => {
    const error = thrownBy(() => {
      const vm = createVM(
        scheduled(
          program(function* main() {
            return yield* wait(
              yield* spawn(callsOnly(100_000, [], "w"), {
                name: "caller",
                watchdog: { steps: 500 },
              }),
            )
          }),
          { clock: new VirtualClock() },
        ),
      )
      while (vm.step() === "continue") {}
      throw vm.error
    })
    expect(error).toBeInstanceOf(WatchdogError)
    expect((error as WatchdogError).measured).toBeLessThan(520)
    const frames = getTraceback(error)?.sections.flatMap((s) => s.frames) ?? []
    expect(frames.map((f) => f.call.split("(")[0])).toContain("callsOnly")
  })

  it("vm.stop() stops a task that only calls sub-programs at its next preemption", () => {
    const vm = createVM(
      scheduled(
        program(function* main() {
          return yield* wait(yield* spawn(callsOnly(1_000_000, [], "s")))
        }),
        { clock: new VirtualClock(), quanta: 100 },
      ),
    )
    vm.runFor(1000)
    vm.stop()
    const stoppedAt = vm.steps
    while (vm.step() === "continue") {}
    expect(vm.status).toBe("stopped")
    expect(vm.error).toBeInstanceOf(StopError)
    expect(vm.steps - stoppedAt).toBeLessThan(150)
  })

  it("vm.stop() without a scheduler stops a loop of sub-program calls at the next call", () => {
    const vm = createVM(callsOnly(1_000_000, [], "plain"))
    vm.runFor(1000)
    vm.stop()
    const stoppedAt = vm.steps
    while (vm.step() === "continue") {}
    expect(vm.status).toBe("stopped")
    expect(vm.steps - stoppedAt).toBeLessThan(20)
  })
})
