import { describe, expect, it } from "vitest"
import {
  awaitExternal,
  createVM,
  Effect,
  handler,
  program,
  Transfer,
  type VM,
  type VMStatus,
  withHandler,
} from "../src/index.js"

class Tick extends Effect<number> {}

const ticks = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })

/** The status after every step until the run ends or blocks. */
function statusesUntilSettled(vm: VM<unknown>): VMStatus[] {
  const seen: VMStatus[] = []
  for (;;) {
    const result = vm.step()
    seen.push(vm.status)
    if (result !== "continue") return seen
  }
}

describe("vm.status through the life of a machine", () => {
  it("is 'ready' before the first step, with isDone() and isBlocked() false", () => {
    const vm = createVM(program(function* idle() {}))
    expect(vm.status).toBe("ready")
    expect(vm.isDone()).toBe(false)
    expect(vm.isBlocked()).toBe(false)
  })

  it("is 'running' from the first step until the run ends, then 'done'", () => {
    const vm = createVM(
      withHandler(
        ticks,
        program(function* two() {
          yield* new Tick()
          return yield* new Tick()
        }),
      ),
    )
    const seen = statusesUntilSettled(vm)
    expect(seen.slice(0, -1).every((s) => s === "running")).toBe(true)
    expect(seen.at(-1)).toBe("done")
    expect(vm.isDone()).toBe(true)
    expect(vm.isBlocked()).toBe(false)
  })

  it("goes 'running' → 'failed' for a program that throws", () => {
    const vm = createVM(
      program(function* fails() {
        throw new Error("boom")
      }),
    )
    const seen = statusesUntilSettled(vm)
    expect(seen.at(-1)).toBe("failed")
    expect(new Set(seen.slice(0, -1))).toEqual(new Set(["running"]))
    expect(vm.isDone()).toBe(true)
  })

  it("goes 'running' → 'blocked' on an external wait, then 'running' again, then 'done'", async () => {
    const vm = createVM(
      program(function* waits() {
        return yield* awaitExternal(Promise.resolve(7))
      }),
    )
    const before = statusesUntilSettled(vm)
    expect(before.at(-1)).toBe("blocked")
    expect(vm.isBlocked()).toBe(true)
    expect(vm.isDone()).toBe(false)

    await vm.whenReady()
    expect(vm.status).toBe("running")
    expect(vm.isBlocked()).toBe(false)
    const after = statusesUntilSettled(vm)
    expect(after.at(-1)).toBe("done")
    expect(vm.result).toBe(7)
  })

  it("goes 'running' → 'stopped' after stop(), and isDone() is true", () => {
    const vm = createVM(
      withHandler(
        ticks,
        program(function* forever() {
          for (;;) yield* new Tick()
        }),
      ),
    )
    vm.runFor(10)
    expect(vm.status).toBe("running")
    vm.stop()
    expect(vm.status).toBe("running") // until the stop takes effect at the next perform
    const seen = statusesUntilSettled(vm)
    expect(seen.at(-1)).toBe("stopped")
    expect(vm.isDone()).toBe(true)
    expect(vm.isBlocked()).toBe(false)
  })

  it("goes 'blocked' → 'stopped' when stopped while waiting", async () => {
    const vm = createVM(
      program(function* waitsForever() {
        yield* awaitExternal(new Promise(() => {}))
      }),
    )
    statusesUntilSettled(vm)
    expect(vm.status).toBe("blocked")
    vm.stop()
    expect(vm.isBlocked()).toBe(false)
    await vm.whenReady()
    expect(statusesUntilSettled(vm).at(-1)).toBe("stopped")
  })
})
