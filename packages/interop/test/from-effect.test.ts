import { cancel, gather, scheduled, sleep, spawn, VirtualClock, wait } from "@effvm/scheduler"
import { formatTraceback, getTraceback, program, run, runAsync } from "@effvm/vm-core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { EffectFailure, fromEffect } from "../src/index.js"
import { settleCallbacks, thrownBy, watchUnhandledRejections } from "./helpers.js"

class NotFound extends Error {
  override readonly name = "NotFound"
}

describe("fromEffect", () => {
  const unhandled = watchUnhandledRejections()

  it("evaluates to the effect's success", () => {
    const main = program(function* main() {
      return (yield* fromEffect(Effect.succeed(20))) + 22
    })

    expect(run(main)).toBe(42)
  })

  it("completes a synchronous effect under run, also one that yields to Effect's scheduler", () => {
    const counted = Effect.gen(function* countWithYields() {
      let n = 0
      for (let i = 0; i < 3; i++) {
        yield* Effect.yieldNow
        n++
      }
      return n
    })
    const main = program(function* main() {
      return yield* fromEffect(counted)
    })

    expect(run(main)).toBe(3)
  })

  it("runs the effect afresh on each run of the program", () => {
    let runs = 0
    const main = fromEffect(Effect.sync(() => ++runs))

    expect([run(main), run(main)]).toEqual([1, 2])
  })

  it("throws a failure into the program as an EffectFailure a try/catch can catch", () => {
    const lookup = program(function* lookup() {
      try {
        return yield* fromEffect(Effect.fail(new NotFound("user 7")))
      } catch (error) {
        if (error instanceof EffectFailure && error.failure instanceof NotFound) {
          return `fallback for ${error.failure.message}`
        }
        throw error
      }
    })

    expect(run(lookup)).toBe("fallback for user 7")
  })

  it("keeps Effect's Cause text and the program frames in the traceback", () => {
    const lookup = program(function* lookupUser() {
      return yield* fromEffect(Effect.fail(new NotFound("user 7")))
    })

    const error = thrownBy(() => run(lookup)) as EffectFailure<NotFound>
    expect(error).toBeInstanceOf(EffectFailure)
    expect(Cause.hasFails(error.effectCause)).toBe(true)
    expect(getTraceback(error)).toBeDefined()
    const text = formatTraceback(error)
    expect(text).toContain("lookupUser()")
    expect(text).toContain("fromEffect(")
    expect(text).toContain(`EffectFailure: ${Cause.pretty(error.effectCause)}`)
    expect(text).toContain("NotFound: user 7")
  })

  it("reports a defect (Effect.die) with its Cause text", () => {
    const main = program(function* main() {
      return yield* fromEffect(Effect.die(new RangeError("index 9 out of range")))
    })

    const error = thrownBy(() => run(main)) as EffectFailure
    expect(Cause.hasDies(error.effectCause)).toBe(true)
    expect(error.failure).toBeInstanceOf(RangeError)
    expect(formatTraceback(error)).toContain("RangeError: index 9 out of range")
  })

  it("parks only its task on an asynchronous effect under runAsync", async () => {
    const log: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const waiter = program(function* effectWaiter() {
      const value = yield* fromEffect(Effect.promise(() => gate.then(() => "effect done")))
      log.push(value)
    })
    const worker = program(function* worker() {
      for (let i = 0; i < 3; i++) {
        log.push(`worker ${i}`)
        yield* sleep(0)
      }
      release()
    })
    const main = program(function* main() {
      yield* gather(waiter, worker)
      return log
    })

    expect(await runAsync(scheduled(main, { clock: new VirtualClock() }))).toEqual([
      "worker 0",
      "worker 1",
      "worker 2",
      "effect done",
    ])
  })

  it("waits for an asynchronous effect without a scheduler under runAsync", async () => {
    const main = program(function* main() {
      return yield* fromEffect(Effect.promise(() => Promise.resolve("late value")))
    })

    expect(await runAsync(main)).toBe("late value")
  })

  it("fails with advice to use runAsync when an asynchronous effect runs under run", () => {
    const main = program(function* main() {
      return yield* fromEffect(Effect.promise(() => Promise.resolve(1)))
    })

    expect(String(thrownBy(() => run(scheduled(main))))).toMatch(/runAsync/)
  })

  it("interrupts the fiber when the task is cancelled; its finalizers have run when cancel returns", async () => {
    const log: string[] = []
    const forever = Effect.never.pipe(
      Effect.onInterrupt(() => Effect.sync(() => log.push("fiber interrupted"))),
      Effect.ensuring(
        Effect.promise(async () => {
          await settleCallbacks() // a macrotask: only an awaited finalizer finishes in time
          log.push("async finalizer done")
        }),
      ),
    )
    const main = program(function* main() {
      const worker = yield* spawn(fromEffect(forever), { name: "effect worker" })
      yield* sleep(0)
      yield* cancel(worker)
      log.push(`cancel returned, worker ${worker.status}`)
      return log
    })

    expect(await runAsync(scheduled(main))).toEqual([
      "fiber interrupted",
      "async finalizer done",
      "cancel returned, worker cancelled",
    ])
  })

  it("lets the task's own finally blocks run after the fiber's finalizers", async () => {
    const log: string[] = []
    const forever = Effect.never.pipe(Effect.ensuring(Effect.sync(() => log.push("fiber done"))))
    const guarded = program(function* guarded() {
      try {
        yield* fromEffect(forever)
      } finally {
        log.push("task finally")
      }
    })
    const main = program(function* main() {
      const worker = yield* spawn(guarded)
      yield* sleep(0)
      yield* cancel(worker)
      return log
    })

    expect(await runAsync(scheduled(main))).toEqual(["fiber done", "task finally"])
  })

  it("never reports an unhandled rejection for a failing asynchronous effect", async () => {
    const main = program(function* main() {
      const worker = yield* spawn(
        fromEffect(Effect.promise(() => Promise.resolve()).pipe(Effect.andThen(Effect.fail("x")))),
      )
      try {
        yield* wait(worker)
      } catch (error) {
        return (error as EffectFailure).failure
      }
    })

    expect(await runAsync(scheduled(main))).toBe("x")
    await settleCallbacks()
    expect(unhandled).toEqual([])
  })

  it("rejects a value that is not an Effect with a TypeError naming it", () => {
    expect(() => fromEffect(42 as never)).toThrow(
      /fromEffect\(\) expects an Effect-TS Effect, got number/,
    )
  })
})
