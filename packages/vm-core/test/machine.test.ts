import { describe, expect, it } from "vitest"
import {
  awaitExternal,
  createVM,
  Effect,
  fn,
  handler,
  type Program,
  program,
  run,
  runAsync,
  type StepResult,
  Transfer,
  withHandler,
  type Yielded,
} from "../src/index.js"

class Tick extends Effect<number> {}

const ticks = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })

const addTicks = fn(function* addTicks(n: number) {
  let total = 0
  for (let i = 0; i < n; i++) total += yield* new Tick()
  return total
})

/** Steps `vm` to the end, returning every step result in order. */
function stepAll(vm: { step(): StepResult }): StepResult[] {
  const results: StepResult[] = []
  for (let i = 0; i < 10_000; i++) {
    const result = vm.step()
    results.push(result)
    if (result !== "continue") return results
  }
  throw new Error("the machine did not finish in 10,000 steps")
}

describe("createVM and step()", () => {
  it("step() returns 'continue' until the step that finishes, which returns 'done'", () => {
    const vm = createVM(withHandler(ticks, addTicks(3)))

    const results = stepAll(vm)

    expect(results.length).toBeGreaterThan(3)
    expect(results.at(-1)).toBe("done")
    expect(results.slice(0, -1).every((r) => r === "continue")).toBe(true)
    expect(vm.result).toBe(3)
  })

  it("createVM installs its handlers option around the program", () => {
    const vm = createVM(addTicks(2), { handlers: [ticks] })

    stepAll(vm)

    expect(vm.result).toBe(2)
  })

  it("step() returns 'error' when the program fails, and vm.error holds the error", () => {
    const failure = new Error("program failed")
    const fails = program(function* fails() {
      yield* new Tick()
      throw failure
    })
    const vm = createVM(withHandler(ticks, fails))

    expect(stepAll(vm).at(-1)).toBe("error")
    expect(vm.error).toBe(failure)
  })

  it("vm.steps counts the steps taken", () => {
    const vm = createVM(withHandler(ticks, addTicks(2)))

    const results = stepAll(vm)

    expect(vm.steps).toBe(results.length)
  })
})

describe("modes", () => {
  it("a program that returns at once goes through HandleYield, Deliver and Return", () => {
    function* returnsAtOnce(): Generator<Yielded, number> {
      return 1
    }
    const vm = createVM(program(returnsAtOnce))
    const modes: string[] = []

    while (!vm.isDone()) {
      modes.push(vm.mode)
      vm.step()
    }

    expect(modes).toEqual(["HandleYield", "Deliver", "Return"])
  })

  it("vm.mode names the five modes as a run passes through them", () => {
    const failingStep = program(function* failingStep() {
      yield* new Tick()
      throw new Error("caught by the caller")
    })
    const main = program(function* main() {
      const first = yield* new Tick()
      try {
        yield* failingStep
      } catch {
        return first
      }
      return 0
    })
    const vm = createVM(withHandler(ticks, main))
    const modes = new Set<string>()

    while (!vm.isDone()) {
      modes.add(vm.mode)
      vm.step()
    }

    expect(vm.result).toBe(1)
    for (const mode of ["Deliver", "Throw", "HandleYield", "DispatchError", "Return"]) {
      expect(modes).toContain(mode)
    }
  })
})

describe("runFor", () => {
  it("runFor(n) returns 'yield' when it stopped after n steps with work left", () => {
    const vm = createVM(withHandler(ticks, addTicks(5)))

    expect(vm.runFor(3)).toBe("yield")
    expect(vm.steps).toBe(3)
    expect(vm.isDone()).toBe(false)
  })

  it("runFor(n) returns 'done' when the program finishes within n steps", () => {
    const vm = createVM(withHandler(ticks, addTicks(5)))

    expect(vm.runFor(3)).toBe("yield")
    expect(vm.runFor(10_000)).toBe("done")
    expect(vm.result).toBe(5)
  })
})

describe("status", () => {
  it("vm.status goes ready, running, done", () => {
    const vm = createVM(withHandler(ticks, addTicks(2)))
    const seen: string[] = [vm.status]

    vm.step()
    seen.push(vm.status)
    vm.runFor(10_000)
    seen.push(vm.status)

    expect(seen).toEqual(["ready", "running", "done"])
    expect(vm.isDone()).toBe(true)
  })

  it("vm.status goes ready, running, failed for a program that throws", () => {
    const fails = program(function* fails() {
      yield* new Tick()
      throw new Error("boom")
    })
    const vm = createVM(withHandler(ticks, fails))
    const seen: string[] = [vm.status]

    vm.step()
    seen.push(vm.status)
    vm.runFor(10_000)
    seen.push(vm.status)

    expect(seen).toEqual(["ready", "running", "failed"])
    expect(vm.isDone()).toBe(true)
  })
})

describe("external promises", () => {
  it("runAsync resolves with the value of a program that awaits an external promise", async () => {
    const waits = program(function* waits() {
      const value = yield* awaitExternal(Promise.resolve(20))
      return value + 1
    })

    await expect(runAsync(waits)).resolves.toBe(21)
  })

  it("step() answers 'external' while waiting; after whenReady() stepping goes on", async () => {
    const waits = program(function* waits() {
      const value = yield* awaitExternal(Promise.resolve("from outside"))
      return `got ${value}`
    })
    const vm = createVM(waits)

    const beforeWait = stepAll(vm)
    expect(beforeWait.at(-1)).toBe("external")
    expect(vm.isBlocked()).toBe(true)
    expect(vm.isDone()).toBe(false)

    await vm.whenReady()
    const afterWait = stepAll(vm)

    expect(afterWait.at(-1)).toBe("done")
    expect(vm.result).toBe("got from outside")
  })

  it("a rejection is thrown at the perform site, where try/catch catches it", async () => {
    const waits = program(function* waits() {
      try {
        yield* awaitExternal(Promise.reject(new Error("remote failed")))
        return "not thrown"
      } catch (error) {
        return `caught ${(error as Error).message}`
      }
    })

    await expect(runAsync(waits)).resolves.toBe("caught remote failed")
  })

  it("an uncaught rejection makes runAsync reject with the same error", async () => {
    const failure = new Error("remote failed")
    const waits = program(function* waits() {
      return yield* awaitExternal(Promise.reject(failure))
    })

    await expect(runAsync(waits)).rejects.toBe(failure)
  })

  it("run refuses awaitExternal with an error naming runAsync, and leaves no unhandled rejection", async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    const waits: Program<unknown> = program(function* waitsOnRejection() {
      return yield* awaitExternal(Promise.reject(new Error("rejected outside")))
    })

    process.on("unhandledRejection", onUnhandled)
    try {
      expect(() => run(waits)).toThrow(/runAsync/)
      await new Promise((resolve) => setImmediate(resolve))
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off("unhandledRejection", onUnhandled)
    }

    expect(unhandled).toEqual([])
  })

  it("vm.status is 'blocked' while the machine waits on an external promise", async () => {
    const waits = program(function* waits() {
      return yield* awaitExternal(Promise.resolve(1))
    })
    const vm = createVM(waits)

    stepAll(vm)
    const whileWaiting = vm.status
    await vm.whenReady()
    stepAll(vm)

    expect(whileWaiting).toBe("blocked")
    expect(vm.status).toBe("done")
  })
})
