// docs/semantics.md §10 status: vm.status, vm.isDone(), vm.isBlocked(), and "ready until the first
// step, then running until it blocks or ends".

import { awaitPromise, realClock, scheduled, sleep, VirtualClock } from "@effvm/scheduler"
import { createVM, Effect, handler, Pass, program, Resume, withHandler } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Ping extends Effect<number> {}
const pinger = handler((eff, k) => (eff instanceof Ping ? Resume(k, 1) : Pass()), {
  name: "pinger",
})

const threePings = withHandler(
  pinger,
  program(function* threePings() {
    let sum = 0
    for (let i = 0; i < 3; i++) sum += yield* new Ping()
    return sum
  }),
)

function finish(vm: { step(): string }): string {
  let last = "continue"
  for (let i = 0; i < 100_000 && last === "continue"; i++) last = vm.step()
  return last
}

describe("vm.status", () => {
  it("is 'ready' until the first step", () => {
    const vm = createVM(threePings)
    expect(vm.status).toBe("ready")
    expect(vm.isDone()).toBe(false)
    expect(vm.isBlocked()).toBe(false)
  })

  it("is 'running' after the first step until the program ends", () => {
    const vm = createVM(threePings)
    expect(vm.step()).toBe("continue")
    expect(vm.status).toBe("running")
    const seen = new Set<string>()
    while (vm.step() === "continue") seen.add(vm.status)
    expect([...seen].filter((s) => s !== "running" && s !== "done")).toEqual([])
  })

  it("is 'done' when the program returned; isDone() then says true", () => {
    const vm = createVM(threePings)
    expect(finish(vm)).toBe("done")
    expect(vm.status).toBe("done")
    expect(vm.isDone()).toBe(true)
    expect(vm.isBlocked()).toBe(false)
    expect(vm.result).toBe(3)
  })

  it("is 'failed' when the program threw; isDone() then says true", () => {
    const vm = createVM(
      program(function* broken() {
        throw new Error("broken")
      }),
    )
    expect(finish(vm)).toBe("error")
    expect(vm.status).toBe("failed")
    expect(vm.isDone()).toBe(true)
  })

  it("is 'blocked' while it waits on something external; isBlocked() then says true", async () => {
    let resolve!: (v: number) => void
    const external = new Promise<number>((r) => (resolve = r))
    const vm = createVM(
      scheduled(
        program(function* waiter() {
          return yield* awaitPromise(external)
        }),
      ),
    )
    expect(finish(vm)).toBe("external")
    expect(vm.status).toBe("blocked")
    expect(vm.isBlocked()).toBe(true)
    expect(vm.isDone()).toBe(false)
    resolve(9)
    await vm.whenReady()
    expect(finish(vm)).toBe("done")
    expect(vm.status).toBe("done")
    expect(vm.isBlocked()).toBe(false)
    expect(vm.result).toBe(9)
  })

  it("is 'blocked' while the scheduler waits on real-clock timers", async () => {
    const vm = createVM(
      scheduled(
        program(function* napper() {
          yield* sleep(15)
          return "awake"
        }),
        { clock: realClock },
      ),
    )
    expect(finish(vm)).toBe("external")
    expect(vm.status).toBe("blocked")
    expect(vm.isBlocked()).toBe(true)
    // a user's drive loop: park until the machine can go on, then step again
    let last = "external"
    for (let i = 0; i < 20 && last === "external"; i++) {
      await vm.whenReady()
      last = finish(vm)
    }
    expect(last).toBe("done")
    expect(vm.result).toBe("awake")
  })

  it("stays 'running' when runFor stops early", () => {
    const vm = createVM(threePings)
    expect(vm.runFor(2)).toBe("yield")
    expect(vm.status).toBe("running")
  })

  it("goes back to 'running' when a blocked machine takes a step again", async () => {
    let resolve!: (v: number) => void
    const external = new Promise<number>((r) => (resolve = r))
    const vm = createVM(
      scheduled(
        program(function* waiter() {
          const v = yield* awaitPromise(external)
          yield* sleep(1)
          return v
        }),
        { clock: new VirtualClock() },
      ),
    )
    expect(finish(vm)).toBe("external")
    resolve(1)
    await vm.whenReady()
    expect(vm.step()).toBe("continue")
    expect(vm.status).toBe("running")
  })

  it("is 'stopped' after vm.stop(); isDone() then says true", () => {
    const vm = createVM(
      scheduled(
        program(function* endless() {
          for (;;) yield* sleep(1)
        }),
        { clock: new VirtualClock() },
      ),
    )
    vm.runFor(50)
    vm.stop()
    expect(finish(vm)).toBe("stopped")
    expect(vm.status).toBe("stopped")
    expect(vm.isDone()).toBe(true)
  })
})
