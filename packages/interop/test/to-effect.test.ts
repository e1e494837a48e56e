import { ask, reader } from "@effvm/handlers"
import {
  awaitPromise,
  createPromise,
  SchedulerDeadlockError,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "@effvm/scheduler"
import {
  awaitExternal,
  type Continuation,
  Effect as EffvmEffect,
  fn,
  formatTraceback,
  getTraceback,
  handler,
  program,
  pure,
  Transfer,
} from "@effvm/vm-core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { describe, expect, it } from "vitest"
import { toEffect } from "../src/index.js"
import { settleCallbacks, watchUnhandledRejections } from "./helpers.js"

/** The failure value of an Exit (fails the test for a success). */
function failureOf(exit: Exit.Exit<unknown, unknown>): unknown {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${String(exit.value)}`)
  return Cause.squash(exit.cause)
}

const never = new Promise<never>(() => {})

/** An effect answered, in one test, by a handler outside the scheduler. */
class Ask extends EffvmEffect<void> {}

describe("toEffect", () => {
  const unhandled = watchUnhandledRejections()

  it("succeeds with the program's value, synchronously for a synchronous program", () => {
    const greet = program(function* greet() {
      return `${yield* ask<string>("greeting")}, ada`
    })

    expect(Effect.runSync(toEffect(greet, { handlers: [reader({ greeting: "hi" })] }))).toBe(
      "hi, ada",
    )
  })

  it("runs the program under the scheduler: tasks and sleeps work", async () => {
    const worker = fn(function* worker(n: number) {
      yield* sleep(n)
      return n * 10
    })
    const main = program(function* main() {
      const a = yield* spawn(worker(2))
      const b = yield* spawn(worker(1))
      return [yield* wait(a), yield* wait(b)]
    })

    const effect = toEffect(main, { scheduler: { clock: new VirtualClock() } })
    expect(await Effect.runPromise(effect)).toEqual([20, 10])
  })

  it("waits for external promises asynchronously", async () => {
    const main = program(function* main() {
      return yield* awaitPromise(Promise.resolve("from a promise"))
    })

    expect(await Effect.runPromise(toEffect(main))).toBe("from a promise")
  })

  it("runs the program afresh on each run of the effect", () => {
    let runs = 0
    const count = program(function* count() {
      return ++runs
    })
    const effect = toEffect(count)

    expect([Effect.runSync(effect), Effect.runSync(effect)]).toEqual([1, 2])
  })

  it("turns a failure into an Effect failure whose error still answers getTraceback", async () => {
    const parse = program(function* parseConfig() {
      yield* awaitPromise(Promise.resolve())
      throw new SyntaxError("unexpected token in config")
    })

    const exit = await Effect.runPromiseExit(toEffect(parse))
    const error = failureOf(exit)
    expect(error).toBeInstanceOf(SyntaxError)
    expect(getTraceback(error)).toBeDefined()
    expect(formatTraceback(error)).toContain("parseConfig()")
    expect(formatTraceback(error)).toContain("SyntaxError: unexpected token in config")
  })

  it("lets Effect catch a program's failure like any typed failure", async () => {
    const failing = program(function* failing() {
      throw new Error("boom")
    })
    const recovered = toEffect(failing).pipe(
      Effect.catch((error) => Effect.succeed(`recovered from ${(error as Error).message}`)),
    )

    expect(await Effect.runPromise(recovered)).toBe("recovered from boom")
  })

  it("keeps deadlock detection: a program waiting on nothing fails with SchedulerDeadlockError", async () => {
    const stuck = program(function* stuck() {
      const promise = yield* createPromise()
      return yield* wait(promise)
    })

    const exit = await Effect.runPromiseExit(toEffect(stuck))
    expect(failureOf(exit)).toBeInstanceOf(SchedulerDeadlockError)
  })

  it("cancels the program when the fiber is interrupted; its finally blocks have run when the interruption completes", async () => {
    const log: string[] = []
    const waiter = program(function* waiter() {
      try {
        yield* awaitPromise(never)
      } finally {
        log.push("finally started")
        yield* awaitPromise(Promise.resolve())
        yield* sleep(1)
        log.push("finally done")
      }
    })

    const fiber = Effect.runFork(toEffect(waiter, { scheduler: { clock: new VirtualClock() } }))
    await settleCallbacks()
    await Effect.runPromise(Fiber.interrupt(fiber))
    log.push("interrupt returned")

    expect(log).toEqual(["finally started", "finally done", "interrupt returned"])
    expect(Exit.hasInterrupts(fiber.pollUnsafe()!)).toBe(true)
  })

  it("interrupts at once a program parked in a handler outside the scheduler", async () => {
    const log: string[] = []
    const slowOutside = handler(
      function* slowOutside(_effect: Ask, k: Continuation<unknown>) {
        // A handler outside `scheduled` that waits on a promise that never settles.
        return yield* Transfer(k, yield* awaitExternal(never))
      },
      { handles: [Ask] },
    )
    const main = program(function* main() {
      try {
        yield* new Ask()
      } finally {
        log.push("main cleaned up")
      }
    })

    const fiber = Effect.runFork(toEffect(main, { handlers: [slowOutside] }))
    await settleCallbacks()
    await Effect.runPromise(Fiber.interrupt(fiber))

    expect(log).toEqual(["main cleaned up"])
    expect(Exit.hasInterrupts(fiber.pollUnsafe()!)).toBe(true)
  })

  it("cancels every task of the program on interruption, children included", async () => {
    const log: string[] = []
    const child = fn(function* child(name: string) {
      try {
        yield* sleep(60_000)
      } finally {
        log.push(`${name} cleaned up`)
      }
    })
    const main = program(function* main() {
      yield* spawn(child("a"))
      yield* spawn(child("b"))
      try {
        yield* awaitExternal(never)
      } finally {
        log.push("main cleaned up")
      }
    })

    const fiber = Effect.runFork(toEffect(main, { scheduler: { clock: new VirtualClock() } }))
    await settleCallbacks()
    await Effect.runPromise(Fiber.interrupt(fiber))

    expect([...log].sort()).toEqual(["a cleaned up", "b cleaned up", "main cleaned up"])
  })

  it("cancels a program that installs its own scheduler too", async () => {
    const log: string[] = []
    const inner = program(function* innerScheduled() {
      try {
        yield* awaitPromise(never)
      } finally {
        yield* sleep(1)
        log.push("inner finally")
      }
    })

    const fiber = Effect.runFork(toEffect(scheduled(inner, { clock: new VirtualClock() })))
    await settleCallbacks()
    await Effect.runPromise(Fiber.interrupt(fiber))

    expect(log).toEqual(["inner finally"])
  })

  it("is interrupted by Effect's own combinators, e.g. a timeout", async () => {
    const log: string[] = []
    const slow = program(function* slow() {
      try {
        yield* awaitPromise(never)
      } finally {
        log.push("slow cleaned up")
      }
    })

    const result = await Effect.runPromise(Effect.timeoutOption(toEffect(slow), 5))
    expect(result._tag).toBe("None")
    expect(log).toEqual(["slow cleaned up"])
    await settleCallbacks()
    expect(unhandled).toEqual([])
  })

  it("rejects a value that is not a program with a TypeError naming it", () => {
    expect(() => toEffect((() => pure(1)) as never)).toThrow(
      /toEffect\(\) expects a program .*got function/,
    )
  })
})
