import { describe, expect, it } from "vitest"
import {
  awaitExternal,
  createVM,
  Effect,
  fn,
  handler,
  Interrupt,
  program,
  run,
  runAsync,
  StopError,
  Transfer,
  withHandler,
} from "../src/index.js"

class Tick extends Effect<number> {}

const ticks = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })

describe("stop without a scheduler", () => {
  it("StopError is an Interrupt", () => {
    expect(new StopError()).toBeInstanceOf(Interrupt)
    expect(new StopError("maintenance").message).toContain("maintenance")
  })

  it("vm.stop() throws StopError at the next perform, and finally blocks run", () => {
    const log: string[] = []
    const loop = program(function* loop() {
      try {
        for (;;) yield* new Tick()
      } finally {
        log.push("cleaned up")
      }
    })
    const vm = createVM(withHandler(ticks, loop))

    expect(vm.runFor(50)).toBe("yield")
    vm.stop("maintenance")
    const result = vm.runFor(1_000)

    expect(result).toBe("stopped")
    expect(vm.status).toBe("stopped")
    expect(vm.isDone()).toBe(true)
    expect(vm.error).toBeInstanceOf(StopError)
    expect(log).toEqual(["cleaned up"])
  })

  it("a stop requested mid-perform-free code takes effect at the next perform, not before", () => {
    const seen: number[] = []
    const vm = createVM(
      withHandler(
        ticks,
        program(function* counter() {
          for (let i = 0; ; i++) {
            seen.push(i)
            yield* new Tick()
          }
        }),
      ),
    )
    vm.runFor(3) // counter pushed 0 and is about to perform
    vm.stop()
    vm.runFor(100)
    expect(seen).toEqual([0])
    expect(vm.status).toBe("stopped")
  })

  it("step() returns 'stopped' and the run stays stopped even if the body catches StopError", () => {
    const swallows = program(function* swallows() {
      try {
        yield* new Tick()
        yield* new Tick()
      } catch (error) {
        if (!(error instanceof StopError)) throw error
      }
      return "carried on"
    })
    const vm = createVM(withHandler(ticks, swallows))
    vm.step()
    vm.step()
    vm.stop()
    let last = vm.step()
    while (last === "continue") last = vm.step()

    expect(last).toBe("stopped")
    expect(vm.status).toBe("stopped")
    expect(vm.error).toBeInstanceOf(StopError)
  })

  it("StopError is delivered once: a perform after a caught stop is answered normally", () => {
    let after = 0
    const vm = createVM(
      withHandler(
        ticks,
        program(function* catchesOnce() {
          try {
            yield* new Tick()
            yield* new Tick()
          } catch {}
          after = yield* new Tick()
        }),
      ),
    )
    vm.runFor(4)
    vm.stop()
    vm.runFor(1_000)
    expect(after).toBe(1)
    expect(vm.status).toBe("stopped")
  })

  it("a machine stopped before its first step never runs", () => {
    let ran = false
    const vm = createVM(
      program(function* neverRuns() {
        ran = true
      }),
    )
    vm.stop()
    expect(vm.status).toBe("stopped")
    expect(vm.step()).toBe("stopped")
    expect(ran).toBe(false)
  })

  it("stop() after the run ended changes nothing", () => {
    const vm = createVM(
      withHandler(
        ticks,
        program(function* one() {
          return yield* new Tick()
        }),
      ),
    )
    vm.runFor(100)
    vm.stop()
    expect(vm.status).toBe("done")
    expect(vm.result).toBe(1)
  })

  it("a machine parked on a JS promise gets StopError at the waiting perform at once", async () => {
    const log: string[] = []
    const waits = program(function* waits() {
      try {
        yield* awaitExternal(new Promise(() => {}))
      } finally {
        log.push("finally")
      }
    })
    const vm = createVM(waits)
    expect(vm.runFor(100)).toBe("external")
    expect(vm.status).toBe("blocked")

    vm.stop()
    await vm.whenReady()
    expect(vm.runFor(100)).toBe("stopped")
    expect(log).toEqual(["finally"])
  })

  it("runAsync with an AbortSignal rejects with StopError once aborted, after finally blocks", async () => {
    const log: string[] = []
    const controller = new AbortController()
    const waits = program(function* waitsForever() {
      try {
        yield* awaitExternal(new Promise(() => {}))
      } finally {
        log.push("finally")
      }
    })
    const running = runAsync(waits, { signal: controller.signal })
    setTimeout(() => controller.abort("operator"), 1)

    const error = await running.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StopError)
    expect((error as StopError).reason).toBe("operator")
    expect(log).toEqual(["finally"])
  })

  it("runAsync with an already aborted signal rejects at once without running the program", async () => {
    let ran = false
    const neverRuns = program(function* neverRuns() {
      ran = true
    })
    await expect(runAsync(neverRuns, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      StopError,
    )
    expect(ran).toBe(false)
  })

  it("a settlement that arrives after the stop is ignored (and a late rejection is observed)", async () => {
    let reject!: (e: unknown) => void
    const pending = new Promise((_, r) => {
      reject = r
    })
    const controller = new AbortController()
    const running = runAsync(
      program(function* waits() {
        return yield* awaitExternal(pending)
      }),
      { signal: controller.signal },
    )
    await Promise.resolve()
    controller.abort()
    await expect(running).rejects.toBeInstanceOf(StopError)
    reject(new Error("too late"))
    await new Promise((r) => setTimeout(r, 1))
  })

  it("a handler may stop the run it serves: the next perform gets StopError", () => {
    let vmStop: (() => void) | null = null
    const stopper = handler(
      (_eff, k) => {
        vmStop?.()
        return Transfer(k, 1)
      },
      { handles: [Tick] },
    )
    const vm = createVM(
      withHandler(
        stopper,
        fn(function* twice() {
          yield* new Tick()
          yield* new Tick()
          return "finished"
        })(),
      ),
    )
    vmStop = () => vm.stop()
    while (vm.step() === "continue") {}
    expect(vm.status).toBe("stopped")
    expect(vm.error).toBeInstanceOf(StopError)
  })

  it("run() of a run nobody stops is unaffected", () => {
    const one = program(function* one() {
      return yield* new Tick()
    })
    expect(run(withHandler(ticks, one))).toBe(1)
  })

  it("an error thrown while stopping is kept on the StopError as suppressed", () => {
    const cleanupError = new Error("flush failed")
    const vm = createVM(
      withHandler(
        ticks,
        program(function* failingCleanup() {
          try {
            for (;;) yield* new Tick()
          } catch {
            throw cleanupError // cleanup failed while the run was stopping
          }
        }),
      ),
    )
    vm.runFor(20)
    vm.stop()
    while (vm.step() === "continue") {}

    expect(vm.status).toBe("stopped")
    expect(vm.error).toBeInstanceOf(StopError)
    expect((vm.error as { suppressed?: unknown[] }).suppressed).toEqual([cleanupError])
  })
})
