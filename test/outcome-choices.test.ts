// runOutcome (issue 7) carries the scheduler's recorded choice log (issue 8): a failing
// random run's outcome replays to the same failure.

import { gather, ReplayDivergenceError, scheduled, sleep, spawn } from "@effvm/scheduler"
import { fn, program, runOutcome, type TraceEvent } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

const increment = fn(function* increment(box: { n: number }, warmUp: number) {
  for (let i = 0; i < warmUp; i++) yield* sleep(0)
  const seen = box.n
  yield* sleep(0)
  box.n = seen + 1
})

const racyCounter = program(function* racyCounter() {
  const box = { n: 0 }
  const early = yield* spawn(increment(box, 0), { name: "early" })
  const late = yield* spawn(increment(box, 3), { name: "late" })
  yield* gather(early, late)
  return box.n
})

describe("runOutcome(...).choices", () => {
  it("is the recorded log of the run's scheduler, one task id per decision", () => {
    const outcome = runOutcome(scheduled(racyCounter))
    expect(outcome.status).toBe("done")
    expect(outcome.choices.length).toBeGreaterThan(0)
    expect(outcome.choices.every((id) => Number.isInteger(id))).toBe(true)
  })

  it("is empty for a run without a scheduler", () => {
    expect(
      runOutcome(
        program(function* plain() {
          return 1
        }),
      ).choices,
    ).toEqual([])
  })

  it("replays a random seed's lost update exactly, event for event", () => {
    const seeds = Array.from({ length: 200 }, (_, i) => i)
    const lost = seeds.find((seed) => {
      const outcome = runOutcome(scheduled(racyCounter, { policy: { random: seed } }))
      return outcome.status === "done" && outcome.value === 1
    })
    expect(lost).toBeDefined()

    const trace = (policy: { random: number } | { replay: readonly number[] }) => {
      const events: TraceEvent[] = []
      const outcome = runOutcome(scheduled(racyCounter, { policy }), {
        trace: "full",
        onEvent: (event) => events.push(event),
      })
      return { outcome, events: events.map((e) => `${e.kind}:${e.taskId}:${e.step}`) }
    }
    const original = trace({ random: lost! })
    const replayed = trace({ replay: original.outcome.choices })
    expect(original.outcome.status).toBe("done")
    expect(replayed.outcome).toEqual(original.outcome)
    expect(replayed.events).toEqual(original.events)
  })

  it("a log that no longer fits fails the outcome with ReplayDivergenceError", () => {
    const outcome = runOutcome(scheduled(racyCounter, { policy: { replay: [99] } }))
    expect(outcome.status).toBe("failed")
    if (outcome.status === "failed") expect(outcome.error).toBeInstanceOf(ReplayDivergenceError)
  })

  it("a throwing onEvent listener becomes a failed outcome, never a throw", () => {
    const boom = new Error("listener broke")
    const outcome = runOutcome(scheduled(racyCounter), {
      trace: "min",
      onEvent: () => {
        throw boom
      },
    })
    expect(outcome).toMatchObject({ status: "failed", error: boom })
  })
})
