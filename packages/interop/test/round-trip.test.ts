import { program } from "@effvm/vm-core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fromEffect, toEffect } from "../src/index.js"
import { settleCallbacks } from "./helpers.js"

class Timeout extends Error {
  override readonly name = "Timeout"
}

/** An Exit as plain data: success value, or the kinds and values of the Cause's reasons. */
function shapeOf(exit: Exit.Exit<unknown, unknown>): unknown {
  if (Exit.isSuccess(exit)) return { success: exit.value }
  return exit.cause.reasons.map((reason) =>
    Cause.isFailReason(reason)
      ? { fail: reason.error }
      : Cause.isDieReason(reason)
        ? { die: reason.defect }
        : { interrupt: true },
  )
}

describe("toEffect(fromEffect(e)) behaves like e", () => {
  it("for synchronous successes, failures and defects (property)", () => {
    const outcome = fc.oneof(
      fc.anything().map((v) => ({ kind: "succeed" as const, v })),
      fc.anything().map((v) => ({ kind: "fail" as const, v })),
      fc.anything().map((v) => ({ kind: "die" as const, v })),
    )
    fc.assert(
      fc.property(outcome, ({ kind, v }) => {
        const e: Effect.Effect<unknown, unknown> =
          kind === "succeed" ? Effect.succeed(v) : kind === "fail" ? Effect.fail(v) : Effect.die(v)
        const direct = Effect.runSyncExit(e)
        const bridged = Effect.runSyncExit(toEffect(fromEffect(e)))
        expect(shapeOf(bridged)).toEqual(shapeOf(direct))
      }),
    )
  })

  it("for an asynchronous success", async () => {
    const e = Effect.promise(() => Promise.resolve({ id: 7, name: "ada" }))

    expect(await Effect.runPromise(toEffect(fromEffect(e)))).toEqual({ id: 7, name: "ada" })
  })

  it("for an asynchronous typed failure: the same error instance, catchable by tag", async () => {
    const timeout = new Timeout("took too long")
    const e = Effect.promise(() => Promise.resolve()).pipe(Effect.andThen(Effect.fail(timeout)))

    const exit = await Effect.runPromiseExit(toEffect(fromEffect(e)))
    expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toBe(timeout)
  })

  it("for an effect that interrupts itself", () => {
    const exit = Effect.runSyncExit(toEffect(fromEffect(Effect.interrupt)))

    expect(Exit.hasInterrupts(exit)).toBe(true)
  })

  it("for interruption: interrupting the outer fiber runs the inner effect's finalizers first", async () => {
    const log: string[] = []
    const e = Effect.never.pipe(
      Effect.ensuring(
        Effect.promise(async () => {
          await settleCallbacks() // a macrotask: only an awaited finalizer finishes in time
          log.push("inner finalizer")
        }),
      ),
    )

    const fiber = Effect.runFork(toEffect(fromEffect(e)))
    await settleCallbacks()
    await Effect.runPromise(Fiber.interrupt(fiber))
    log.push("interrupted")

    expect(log).toEqual(["inner finalizer", "interrupted"])
  })

  it("through program frames in between, whose finally blocks run on interruption", async () => {
    const log: string[] = []
    const middle = program(function* middle() {
      try {
        return yield* fromEffect(Effect.never)
      } finally {
        log.push("middle finally")
      }
    })

    const fiber = Effect.runFork(toEffect(middle))
    await settleCallbacks()
    await Effect.runPromise(Fiber.interrupt(fiber))

    expect(log).toEqual(["middle finally"])
  })
})
