import { Effect, fn, handler, program, run, type TraceEvent, Transfer } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { cancel, scheduled, sleep, spawn, VirtualClock, wait } from "../src/index.js"

/** `main` spawns `child`, which yields once and returns; `main` waits for it. */
const child = program(function* child() {
  yield* sleep(0)
  return 1
})
const main = program(function* main() {
  const task = yield* spawn(child, { name: "c" })
  return yield* wait(task)
})

function traced(
  body: Parameters<typeof scheduled>[0],
  trace: "none" | "min" | "full",
  quanta?: number,
): TraceEvent[] {
  const events: TraceEvent[] = []
  try {
    run(scheduled(body, { clock: new VirtualClock(), ...(quanta ? { quanta } : {}) }), {
      trace,
      onEvent: (e) => events.push(e),
    })
  } catch {
    // the failing programs below are checked through their events
  }
  return events
}

const brief = (e: TraceEvent) =>
  [e.kind, e.taskId, e.effect ?? e.name, e.handler].filter((x) => x !== undefined).join(" ")

describe("event traces of scheduled programs", () => {
  it('"min" gives task events: spawn, switch, done', () => {
    expect(traced(main, "min").map(brief)).toEqual([
      "spawn 2 c",
      "switch 2 c",
      "switch 2 c",
      "done 2 c",
      "switch 1 main",
      "done 1 main",
    ])
  })

  it('"full" adds every perform and the scheduler\'s answers, each with the running task', () => {
    expect(traced(main, "full").map(brief)).toEqual([
      "perform 1 Spawn",
      "spawn 2 c",
      "transfer 1 Spawn scheduler",
      "perform 1 Wait",
      "switch 2 c",
      "perform 2 Sleep",
      "switch 2 c",
      "transfer 2 Sleep scheduler",
      "done 2 c",
      "switch 1 main",
      "transfer 1 Wait scheduler",
      "done 1 main",
    ])
  })

  it('"none" reports nothing', () => {
    expect(traced(main, "none")).toEqual([])
  })

  it("spawn events name the parent; step numbers never decrease", () => {
    const events = traced(main, "full")
    expect(events.find((e) => e.kind === "spawn")).toMatchObject({ taskId: 2, parentId: 1 })
    const steps = events.map((e) => e.step)
    expect(steps).toEqual([...steps].sort((a, b) => a - b))
  })

  it("events carry the scheduler clock's time", () => {
    const sleeper = program(function* sleeper() {
      yield* sleep(250)
      return 0
    })
    const events = traced(sleeper, "full")
    expect(events.map((e) => [e.kind, e.time])).toEqual([
      ["perform", 0],
      ["switch", 250],
      ["transfer", 250],
      ["done", 250],
    ])
  })

  it("a failing task gives a fail event with its error; a cancelled one cancel, then done (cancelled)", () => {
    const boom = new Error("boom")
    const failing = program(function* failing() {
      yield* sleep(0)
      throw boom
    })
    const forever = program(function* forever() {
      yield* sleep(1_000_000)
    })
    const body = program(function* body() {
      const f = yield* spawn(failing, { name: "failing" })
      const s = yield* spawn(forever, { name: "forever" })
      yield* sleep(1)
      yield* cancel(s)
      return yield* wait(f)
    })
    const events = traced(body, "min")
    expect(events.filter((e) => e.kind === "fail")).toMatchObject([
      { taskId: 2, error: boom },
      { taskId: 1, error: boom },
    ])
    expect(events.filter((e) => e.taskId === 3).map((e) => e.kind)).toEqual([
      "spawn",
      "switch",
      "cancel",
      "switch",
      "done",
    ])
    expect(events.find((e) => e.kind === "done" && e.taskId === 3)?.cancelled).toBe(true)
  })

  it("every task ends with exactly one done or fail event", () => {
    const leaf = fn(function* leaf(n: number) {
      yield* sleep(n)
      if (n === 2) throw new Error("leaf 2")
      return n
    })
    const body = program(function* body() {
      for (let n = 0; n < 4; n++) yield* spawn(leaf(n))
      yield* sleep(10)
    })
    const events = traced(body, "min")
    const spawned = new Set([1, ...events.filter((e) => e.kind === "spawn").map((e) => e.taskId)])
    for (const id of spawned) {
      const ends = events.filter((e) => e.taskId === id && (e.kind === "done" || e.kind === "fail"))
      expect(ends.length, `task ${id}`).toBe(1)
    }
  })

  it("each yield* effect gives one perform event, also when the task is preempted; preemption is not traced", () => {
    class Tick extends Effect<number> {}
    const ticks = handler((_e, k) => Transfer(k, 1), { name: "ticks", handles: [Tick] })
    const busy = fn(function* busy() {
      let sum = 0
      for (let i = 0; i < 50; i++) sum += yield* new Tick()
      return sum
    })
    const body = program(function* body() {
      const a = yield* spawn(busy())
      const b = yield* spawn(busy())
      return (yield* wait(a)) + (yield* wait(b))
    })
    const events: TraceEvent[] = []
    run(scheduled(body, { clock: new VirtualClock(), quanta: 8 }), {
      trace: "full",
      handlers: [ticks],
      onEvent: (e) => events.push(e),
    })
    expect(events.filter((e) => e.kind === "perform" && e.effect === "Tick").length).toBe(100)
    expect(events.filter((e) => e.kind === "transfer" && e.effect === "Tick").length).toBe(100)
    const effects = new Set(events.map((e) => e.effect).filter((x) => x !== undefined))
    expect(effects).toEqual(new Set(["Spawn", "Tick", "Wait"]))
    // preemptions show as switches between the two busy tasks
    expect(events.filter((e) => e.kind === "switch").length).toBeGreaterThan(4)
  })
})
