import { describe, expect, it } from "vitest"
import {
  awaitExternal,
  Effect,
  handler,
  type Program,
  program,
  runOutcome,
  runOutcomeAsync,
  StopError,
  Transfer,
  withHandler,
} from "../src/index.js"
import { noteEscape } from "../src/internal.js"

class Tick extends Effect<number> {}

const ticks = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })

describe("runOutcome", () => {
  it("reports done with the value and the step count", () => {
    const outcome = runOutcome(
      withHandler(
        ticks,
        program(function* two() {
          return (yield* new Tick()) + (yield* new Tick())
        }),
      ),
    )
    expect(outcome.status).toBe("done")
    expect(outcome.status === "done" && outcome.value).toBe(2)
    expect(outcome.steps).toBeGreaterThan(0)
  })

  it("reports failed with the error instead of throwing", () => {
    const boom = new Error("boom")
    const outcome = runOutcome(
      program(function* fails() {
        throw boom
      }),
    )
    expect(outcome).toMatchObject({ status: "failed", error: boom })
    expect(outcome.steps).toBeGreaterThan(0)
  })

  it("reports the innermost task a failure escaped from", () => {
    const boom = new Error("boom")
    noteEscape(boom, 3, "leaf")
    noteEscape(boom, 1, "main") // outer tasks do not overwrite the first record
    const outcome = runOutcome(
      program(function* fails() {
        throw boom
      }),
    )
    expect(outcome).toMatchObject({ status: "failed", taskId: 3, taskName: "leaf" })
  })

  it("never throws for bad input: a non-program is a failed outcome", () => {
    const outcome = runOutcome(42 as unknown as Program<number>)
    expect(outcome.status).toBe("failed")
    expect(outcome.status === "failed" && outcome.error).toBeInstanceOf(TypeError)
    expect(outcome.steps).toBe(0)
  })

  it("never throws for a bad handler list", () => {
    const outcome = runOutcome(
      program(function* fine() {}),
      { handlers: [42 as never] },
    )
    expect(outcome.status).toBe("failed")
  })

  it("reports a program that throws a StopError itself as stopped", () => {
    const outcome = runOutcome(
      program(function* stopsItself() {
        throw new StopError("self")
      }),
    )
    expect(outcome.status).toBe("stopped")
  })

  it("an external wait under the synchronous runOutcome is a failed outcome", () => {
    const outcome = runOutcome(
      program(function* waits() {
        return yield* awaitExternal(Promise.resolve(1))
      }),
    )
    expect(outcome.status).toBe("failed")
  })
})

describe("runOutcomeAsync", () => {
  it("resolves done after external waits", async () => {
    const outcome = await runOutcomeAsync(
      program(function* waits() {
        return (yield* awaitExternal(Promise.resolve(20))) + 1
      }),
    )
    expect(outcome).toMatchObject({ status: "done", value: 21 })
  })

  it("resolves stopped when its signal aborts, with the step count", async () => {
    const controller = new AbortController()
    const pending = runOutcomeAsync(
      program(function* waitsForever() {
        yield* awaitExternal(new Promise(() => {}))
      }),
      { signal: controller.signal },
    )
    setTimeout(() => controller.abort(), 1)
    const outcome = await pending
    expect(outcome.status).toBe("stopped")
    expect(outcome.status === "stopped" && outcome.error).toBeInstanceOf(StopError)
    expect(outcome.steps).toBeGreaterThan(0)
  })

  it("never rejects, also for bad input", async () => {
    const outcome = await runOutcomeAsync(null as unknown as Program<number>)
    expect(outcome.status).toBe("failed")
  })

  it("resolves failed for a rejected external promise", async () => {
    const outcome = await runOutcomeAsync(
      program(function* waits() {
        return yield* awaitExternal(Promise.reject(new Error("nope")))
      }),
    )
    expect(outcome.status).toBe("failed")
  })
})
