// docs/semantics.md §10 Stop: runAsync({ signal }), vm.stop(), StopError, and the precise stop rules.

import {
  awaitPromise,
  realClock,
  StopError as SchedulerStopError,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "@effvm/scheduler"
import {
  createVM,
  Effect,
  handler,
  Interrupt,
  Pass,
  program,
  Resume,
  run,
  runAsync,
  StopError,
  withHandler,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Ping extends Effect<number> {}
const pinger = handler((eff, k) => (eff instanceof Ping ? Resume(k, 1) : Pass()), {
  name: "pinger",
  handles: [Ping],
})

/** A task that sleeps forever in a loop, recording what it was thrown and its finally. */
function looper(name: string, seen: Map<string, unknown>, finals: string[]) {
  return program(function* loop() {
    try {
      for (;;) yield* sleep(10)
    } catch (error) {
      seen.set(name, error)
      throw error
    } finally {
      finals.push(name)
    }
  })
}

function caught(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected a throw")
}

describe("StopError", () => {
  it("is defined in vm-core and re-exported by the scheduler as the same class", () => {
    expect(SchedulerStopError).toBe(StopError)
  })

  it("is an Interrupt", () => {
    expect(new StopError()).toBeInstanceOf(Interrupt)
    expect(new StopError()).toBeInstanceOf(Error)
  })
})

describe("vm.stop() on a scheduled run", () => {
  it("throws StopError into every task at its suspension, runs their finally blocks, and ends the run as stopped", () => {
    const seen = new Map<string, unknown>()
    const finals: string[] = []
    const vm = createVM(
      scheduled(
        program(function* body() {
          yield* spawn(looper("a", seen, finals), { name: "a" })
          yield* spawn(looper("b", seen, finals), { name: "b" })
          yield* looper("body", seen, finals)
        }),
        { clock: new VirtualClock() },
      ),
    )
    expect(vm.runFor(300)).toBe("yield")
    vm.stop()
    let last: string = "continue"
    for (let i = 0; i < 100_000 && last === "continue"; i++) last = vm.step()
    expect(last).toBe("stopped")
    expect(vm.status).toBe("stopped")
    expect([...seen.keys()].sort()).toEqual(["a", "b", "body"])
    for (const error of seen.values()) expect(error).toBeInstanceOf(StopError)
    expect(finals.sort()).toEqual(["a", "b", "body"])
  })

  it("lets finally blocks perform scheduler effects while stopping", () => {
    const finals: string[] = []
    const vm = createVM(
      scheduled(
        program(function* body() {
          yield* spawn(
            program(function* cleaner() {
              try {
                for (;;) yield* sleep(10)
              } finally {
                yield* sleep(5)
                finals.push("cleaned")
              }
            }),
          )
          for (;;) yield* sleep(10)
        }),
        { clock: new VirtualClock() },
      ),
    )
    vm.runFor(200)
    vm.stop()
    let last: string = "continue"
    for (let i = 0; i < 100_000 && last === "continue"; i++) last = vm.step()
    expect(last).toBe("stopped")
    expect(finals).toEqual(["cleaned"])
  })
})

describe("a stopped run", () => {
  it("makes run throw StopError even if the body caught it", () => {
    const error = caught(() =>
      run(
        scheduled(
          program(function* body() {
            try {
              for (;;) yield* sleep(10)
            } catch {
              return "swallowed"
            }
          }),
          { clock: new VirtualClock(), maxRounds: 3 },
        ),
      ),
    )
    expect(error).toBeInstanceOf(StopError)
  })

  it("makes runAsync reject with StopError when its AbortSignal aborts, even if the body caught it", async () => {
    const controller = new AbortController()
    const seen = new Map<string, unknown>()
    const finals: string[] = []
    const pending = runAsync(
      scheduled(
        program(function* body() {
          yield* spawn(looper("child", seen, finals), { name: "child" })
          try {
            for (;;) yield* sleep(10)
          } catch {
            return "swallowed"
          }
        }),
        { clock: realClock },
      ),
      { signal: controller.signal },
    )
    setTimeout(() => controller.abort(), 40)
    await expect(pending).rejects.toBeInstanceOf(StopError)
    expect(seen.get("child")).toBeInstanceOf(StopError)
    expect(finals).toEqual(["child"])
  })

  it("stops a runAsync on the virtual clock through its AbortSignal too", async () => {
    const controller = new AbortController()
    const pending = runAsync(
      scheduled(
        program(function* body() {
          yield* wait(
            yield* spawn(
              program(function* parked() {
                yield* sleep(1)
                // parked on a JS promise that never settles
                yield* awaitPromise(new Promise<never>(() => {}))
              }),
            ),
          )
        }),
        { clock: new VirtualClock() },
      ),
      { signal: controller.signal },
    )
    setTimeout(() => controller.abort(), 20)
    await expect(pending).rejects.toBeInstanceOf(StopError)
  })
})

describe("vm.stop() without a scheduler", () => {
  it("throws StopError at the next perform, where finally blocks run", () => {
    const seen: unknown[] = []
    let finalRan = false
    const vm = createVM(
      withHandler(
        pinger,
        program(function* body() {
          try {
            for (;;) yield* new Ping()
          } catch (error) {
            seen.push(error)
            throw error
          } finally {
            finalRan = true
          }
        }),
      ),
    )
    vm.runFor(50)
    expect(seen).toEqual([])
    vm.stop()
    let last: string = "continue"
    for (let i = 0; i < 10_000 && last === "continue"; i++) last = vm.step()
    expect(last).toBe("stopped")
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeInstanceOf(StopError)
    expect(finalRan).toBe(true)
    expect(vm.status).toBe("stopped")
  })

  it("reports stopped even if the program caught StopError and returned", () => {
    const vm = createVM(
      withHandler(
        pinger,
        program(function* body() {
          try {
            for (;;) yield* new Ping()
          } catch {
            return "swallowed"
          }
        }),
      ),
    )
    vm.runFor(20)
    vm.stop()
    let last: string = "continue"
    for (let i = 0; i < 10_000 && last === "continue"; i++) last = vm.step()
    expect(last).toBe("stopped")
  })
})

describe("stopping a task that performs effects without ever blocking", () => {
  const busy = (finals: string[]) =>
    program(function* busy() {
      try {
        for (;;) yield* new Ping()
      } finally {
        finals.push("busy")
      }
    })

  it("vm.stop() reaches it at its next preemption: finally runs, the run ends stopped", () => {
    for (const quanta of [50, undefined, 0]) {
      const finals: string[] = []
      const vm = createVM(withHandler(pinger, scheduled(busy(finals), { quanta })))
      vm.runFor(1_000)
      vm.stop()
      let result = vm.step()
      for (let i = 0; i < 100_000 && result === "continue"; i++) result = vm.step()
      expect(result).toBe("stopped")
      expect(finals).toEqual(["busy"])
    }
  })

  it("vm.stop() reaches a busy child while the body sleeps", () => {
    const finals: string[] = []
    const body = program(function* body() {
      yield* spawn(busy(finals))
      yield* sleep(1_000)
    })
    const vm = createVM(withHandler(pinger, scheduled(body, { clock: new VirtualClock() })))
    vm.runFor(1_000)
    vm.stop()
    let result = vm.step()
    for (let i = 0; i < 100_000 && result === "continue"; i++) result = vm.step()
    expect(result).toBe("stopped")
    expect(finals).toEqual(["busy"])
  })

  it("runAsync's signal stops it: the event loop still turns while the program never waits", async () => {
    for (const body of [(f: string[]) => scheduled(busy(f), { clock: realClock }), busy]) {
      const finals: string[] = []
      const controller = new AbortController()
      const running = runAsync(withHandler(pinger, body(finals)), { signal: controller.signal })
      setTimeout(() => controller.abort("enough"), 20)
      await expect(running).rejects.toBeInstanceOf(StopError)
      expect(finals).toEqual(["busy"])
    }
  })
})
