import type { TraceEvent } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  buildModel,
  MARK_CANCELLED,
  MARK_DONE,
  MARK_FAIL,
  MARK_SPAWN,
  STATE_FAILED,
  STATE_UNTRACKED,
  VERDICTS,
} from "../src/model.js"
import { knownRun } from "./runs.js"

function laneNames(events: TraceEvent[]): string[] {
  const m = buildModel(events)
  return m.tasks.name.map((n) => m.strings[n]!)
}

describe("the timeline's model of a run", () => {
  it("has a lane per task, children below their parent in spawn order", () => {
    expect(laneNames(knownRun().events)).toEqual(["orchestrator", "batch 1", "leaf", "leaf"])
  })

  it("keeps each task's id and parent", () => {
    const m = buildModel(knownRun().events)

    expect(m.tasks.id).toEqual([1, 2, 3, 4])
    expect(m.tasks.parent).toEqual([-1, 1, 2, 2])
    expect(m.tasks.depth).toEqual([0, 1, 2, 2])
  })

  it("turns the scheduler's switches into activations that do not overlap", () => {
    const m = buildModel(knownRun().events)
    const all: [number, number][] = []
    for (let s = 0; s < m.spans.from.length; s++) all.push([m.spans.from[s]!, m.spans.to[s]!])
    all.sort((a, b) => a[0] - b[0])

    expect(m.spans.offsets[1]! - m.spans.offsets[0]!).toBeGreaterThanOrEqual(2) // the root runs, waits, runs
    for (let i = 1; i < all.length; i++) expect(all[i]![0]).toBeGreaterThanOrEqual(all[i - 1]![1])
  })

  it("follows a perform through the handlers that passed and the one that answered", () => {
    const m = buildModel(knownRun().events)
    const work = m.ticks.effect.findIndex((e) => m.strings[e] === "Work")
    const chain = m.chains[m.ticks.chain[work]!]!
    const said = []
    for (let h = 0; h < chain.length; h += 2)
      said.push(`${m.strings[chain[h]!]} ${VERDICTS[chain[h + 1]!]}`)

    expect(said).toEqual(["audit pass", "worker resume"])
    expect(m.ticks.answer[work]).toBeGreaterThanOrEqual(m.ticks.step[work]!)
  })

  it("takes the answer of a delegating handler, not the outer one it delegated to", () => {
    const events: TraceEvent[] = [
      { kind: "perform", step: 5, taskId: 0, time: 0, effect: "Ask" },
      { kind: "delegate", step: 7, taskId: 0, time: 0, effect: "Ask", handler: "shout" },
      { kind: "transfer", step: 7, taskId: 0, time: 0, effect: "Ask", handler: "reader" },
      { kind: "resume", step: 9, taskId: 0, time: 0, effect: "Ask", handler: "shout" },
    ]
    const m = buildModel(events)
    const chain = m.chains[m.ticks.chain[0]!]!

    expect(chain.map((x, i) => (i % 2 === 0 ? m.strings[x] : VERDICTS[x]))).toEqual([
      "shout",
      "delegate",
      "reader",
      "transfer",
      "shout",
      "resume",
    ])
    expect(m.ticks.answer[0]).toBe(9)
  })

  it("takes the outer answer after a fast-path delegate, which acts like a pass", () => {
    const events: TraceEvent[] = [
      { kind: "perform", step: 5, taskId: 0, time: 0, effect: "Ask" },
      { kind: "delegate", step: 6, taskId: 0, time: 0, effect: "Ask", handler: "cache" },
      { kind: "transfer", step: 6, taskId: 0, time: 0, effect: "Ask", handler: "reader" },
      { kind: "perform", step: 8, taskId: 0, time: 0, effect: "Ask" },
      { kind: "transfer", step: 8, taskId: 0, time: 0, effect: "Ask", handler: "reader" },
    ]
    const m = buildModel(events)

    expect(m.ticks.answer).toEqual([6, 8])
  })

  it("pairs a wait with the transfer that ends it, however much happens in between", () => {
    const m = buildModel(knownRun().events)
    const sleep = m.ticks.effect.findIndex((e) => m.strings[e] === "Sleep")

    expect(m.ticks.time[sleep]).toBe(0)
    expect(m.ticks.answerTime[sleep]).toBe(5)
  })

  it("marks spawns, the failure and the tasks it took with it", () => {
    const m = buildModel(knownRun().events)
    const kinds = (lane: number) => m.marks.kind.filter((_, j) => m.marks.lane[j] === lane)

    expect(kinds(0)).toEqual([MARK_FAIL])
    expect(kinds(2)).toEqual([MARK_SPAWN, MARK_DONE])
    expect(kinds(3)).toEqual([MARK_SPAWN, MARK_FAIL])
    expect(m.tasks.state[3]).toBe(STATE_FAILED)
    expect(m.strings[m.tasks.error[3]!]).toBe("Error: corrupt data for item 1-2")
    expect(m.strings[m.tasks.traceback[3]!]).toContain("effvm Traceback (most recent call last):")
  })

  it("marks a task that ended by cancellation as cancelled, not failed", () => {
    const events: TraceEvent[] = [
      { kind: "spawn", step: 1, taskId: 2, time: 0, name: "sleeper", parentId: 1 },
      { kind: "cancel", step: 2, taskId: 2, time: 0, name: "sleeper" },
      { kind: "done", step: 3, taskId: 2, time: 0, name: "sleeper", cancelled: true },
    ]
    const m = buildModel(events)

    expect(m.marks.kind).toEqual([MARK_SPAWN, 1, MARK_CANCELLED])
  })

  it("reads a min trace: lanes and marks, no ticks", () => {
    const m = buildModel(knownRun("min").events)

    expect(m.level).toBe("min")
    expect(m.tasks.id).toEqual([1, 2, 3, 4])
    expect(m.ticks.step).toEqual([])
  })

  it("ends an activation on the clock where the task last did something, not after the clock jumped", () => {
    const m = buildModel(knownRun().events)
    const leaf4 = 3
    const first = m.spans.offsets[leaf4]!

    expect(m.spans.fromTime[first]).toBe(0)
    expect(m.spans.toTime[first]).toBe(0)
  })

  it("puts a run outside any scheduler in one lane, task 0, without a task state", () => {
    const events: TraceEvent[] = [
      { kind: "perform", step: 4, taskId: 0, time: 0, effect: "Ask" },
      { kind: "resume", step: 4, taskId: 0, time: 0, effect: "Ask", handler: "reader" },
    ]
    const m = buildModel(events)

    expect(laneNames(events)).toEqual(["outside any scheduler"])
    expect(m.tasks.state).toEqual([STATE_UNTRACKED])
    expect(m.ticks.answer).toEqual([4])
  })

  it("records where the clock moves", () => {
    const m = buildModel(knownRun().events)

    expect(m.clock.times).toEqual([0, 5])
    expect(m.range.timeMax).toBe(5)
  })

  it("gives a task id reused after its task ended (a nested scheduler's) a lane of its own", () => {
    const events: TraceEvent[] = [
      { kind: "spawn", step: 1, taskId: 2, time: 0, name: "first", parentId: 1 },
      { kind: "done", step: 2, taskId: 2, time: 0, name: "first" },
      { kind: "spawn", step: 3, taskId: 2, time: 0, name: "second", parentId: 1 },
    ]

    expect(laneNames(events)).toEqual(["task 1", "first", "second"])
  })

  it("names the event that is not a trace event", () => {
    const events = [
      { kind: "spawn", step: 1, taskId: 2, time: 0 },
      { kind: "jump", step: 2 },
    ]

    expect(() => buildModel(events as TraceEvent[])).toThrow(
      /events\[1\] has kind "jump": expected one of spawn, switch/,
    )
  })

  it("names a missing step", () => {
    expect(() =>
      buildModel([{ kind: "perform", taskId: 1, time: 0 }] as unknown as TraceEvent[]),
    ).toThrow(/events\[0\] needs a finite number in step/)
  })
})
