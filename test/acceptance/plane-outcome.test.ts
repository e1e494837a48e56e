// docs/semantics.md §10 runOutcome / runOutcomeAsync: never throws, the three outcome shapes, steps,
// choices, and the task the error escaped from.

import {
  awaitPromise,
  gatherSettled,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "@effvm/scheduler"
import {
  Effect,
  handler,
  Pass,
  program,
  Resume,
  runOutcome,
  runOutcomeAsync,
  StopError,
  type TraceEvent,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Ask extends Effect<string> {}
const answer = handler((eff, k) => (eff instanceof Ask ? Resume(k, "forty-two") : Pass()), {
  name: "answer",
})

const nested = program(function* body() {
  const outer = yield* spawn(
    program(function* outerWork() {
      const inner = yield* spawn(
        program(function* innerWork() {
          yield* sleep(1)
          throw new Error("inner broke")
        }),
        { name: "inner" },
      )
      return yield* wait(inner)
    }),
    { name: "outer" },
  )
  return yield* wait(outer)
})

describe("runOutcome(program, options)", () => {
  it("returns { status: 'done', value, steps, choices } for a finished run", () => {
    const outcome = runOutcome(
      program(function* body() {
        return 7
      }),
    )
    expect(outcome.status).toBe("done")
    if (outcome.status !== "done") return
    expect(outcome.value).toBe(7)
    expect(Number.isInteger(outcome.steps)).toBe(true)
    expect(outcome.steps).toBeGreaterThan(0)
    expect(Array.isArray(outcome.choices)).toBe(true)
  })

  it("returns { status: 'failed', error, steps } instead of throwing", () => {
    const boom = new Error("boom")
    const outcome = runOutcome(
      program(function* body() {
        throw boom
      }),
    )
    expect(outcome.status).toBe("failed")
    if (outcome.status !== "failed") return
    expect(outcome.error).toBe(boom)
    expect(outcome.steps).toBeGreaterThan(0)
  })

  it("never throws, even for a thrown non-object or an unhandled effect", () => {
    const thrown = runOutcome(
      program(function* body() {
        throw "a string"
      }),
    )
    expect(thrown).toMatchObject({ status: "failed", error: "a string" })
    const unhandled = runOutcome(
      program(function* body() {
        return yield* new Ask()
      }),
    )
    expect(unhandled.status).toBe("failed")
  })

  it("never throws for a program that waits on an external promise under the sync form", () => {
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          return yield* awaitPromise(Promise.resolve(1))
        }),
      ),
    )
    expect(outcome.status).toBe("failed")
  })

  it("takes run's options (handlers, trace, onEvent)", () => {
    const events: TraceEvent[] = []
    const outcome = runOutcome(
      program(function* body() {
        return yield* new Ask()
      }),
      { handlers: [answer], trace: "full", onEvent: (e) => events.push(e) },
    )
    expect(outcome).toMatchObject({ status: "done", value: "forty-two" })
    expect(events.some((e) => e.kind === "perform" && e.effect === "Ask")).toBe(true)
  })

  it("gives a failed outcome the taskId and taskName of the innermost task the error escaped from", () => {
    let innerId = -1
    const body = program(function* body() {
      const outer = yield* spawn(
        program(function* outerWork() {
          const inner = yield* spawn(
            program(function* innerWork() {
              yield* sleep(1)
              throw new Error("inner broke")
            }),
            { name: "inner" },
          )
          innerId = inner.id
          return yield* wait(inner)
        }),
        { name: "outer" },
      )
      return yield* wait(outer)
    })
    const outcome = runOutcome(scheduled(body, { clock: new VirtualClock() }))
    expect(outcome.status).toBe("failed")
    if (outcome.status !== "failed") return
    expect((outcome.error as Error).message).toBe("inner broke")
    expect(outcome.taskId).toBe(innerId)
    expect(outcome.taskName).toBe("inner")
  })

  it("returns { status: 'stopped' } for a stopped run", () => {
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          for (;;) yield* sleep(10)
        }),
        { clock: new VirtualClock(), maxRounds: 2 },
      ),
    )
    expect(outcome.status).toBe("stopped")
    expect(outcome.steps).toBeGreaterThan(0)
    expect(Array.isArray(outcome.choices)).toBe(true)
  })

  it("has choices: the scheduler's recorded log, the same one onChoices receives", () => {
    let recorded: readonly number[] | undefined
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          const a = yield* spawn(
            program(function* a() {
              yield* sleep(1)
            }),
          )
          const b = yield* spawn(
            program(function* b() {
              yield* sleep(2)
            }),
          )
          yield* gatherSettled(a, b)
          return "ok"
        }),
        { clock: new VirtualClock(), onChoices: (log) => (recorded = [...log]) },
      ),
    )
    expect(outcome.status).toBe("done")
    expect(recorded).toBeDefined()
    expect([...outcome.choices]).toEqual(recorded)
    expect(outcome.choices.length).toBeGreaterThan(0)
  })
})

describe("runOutcomeAsync(program, options)", () => {
  it("resolves a done outcome for a program that awaits external promises", async () => {
    const outcome = await runOutcomeAsync(
      scheduled(
        program(function* body() {
          return yield* awaitPromise(Promise.resolve(5))
        }),
      ),
    )
    expect(outcome).toMatchObject({ status: "done", value: 5 })
    expect(outcome.steps).toBeGreaterThan(0)
  })

  it("resolves (never rejects) a failed outcome with the task the error escaped from", async () => {
    const outcome = await runOutcomeAsync(scheduled(nested, { clock: new VirtualClock() }))
    expect(outcome.status).toBe("failed")
    if (outcome.status !== "failed") return
    expect(outcome.taskName).toBe("inner")
    expect(typeof outcome.taskId).toBe("number")
  })

  it("resolves a stopped outcome when its AbortSignal aborts", async () => {
    const controller = new AbortController()
    const pending = runOutcomeAsync(
      scheduled(
        program(function* body() {
          yield* awaitPromise(new Promise<never>(() => {}))
        }),
      ),
      { signal: controller.signal },
    )
    setTimeout(() => controller.abort(), 10)
    const outcome = await pending
    expect(outcome.status).toBe("stopped")
  })

  it("takes run's options (handlers)", async () => {
    const outcome = await runOutcomeAsync(
      program(function* body() {
        return yield* new Ask()
      }),
      { handlers: [answer] },
    )
    expect(outcome).toMatchObject({ status: "done", value: "forty-two" })
  })
})

describe("StopError in outcomes", () => {
  it("is not reported as a failure", () => {
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          try {
            for (;;) yield* sleep(10)
          } catch (error) {
            if (error instanceof StopError) return "caught"
            throw error
          }
        }),
        { clock: new VirtualClock(), maxRounds: 2 },
      ),
    )
    expect(outcome.status).toBe("stopped")
  })

  it("names the root task when the error escapes from the body itself", () => {
    const outcome = runOutcome(
      scheduled(
        program(function* mainBody() {
          yield* sleep(1)
          throw new Error("body broke")
        }),
        { clock: new VirtualClock() },
      ),
    )
    expect(outcome.status).toBe("failed")
    if (outcome.status !== "failed") return
    expect(typeof outcome.taskId).toBe("number")
    expect(typeof outcome.taskName).toBe("string")
  })
})
