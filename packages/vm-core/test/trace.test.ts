import { describe, expect, it } from "vitest"
import {
  createVM,
  Delegate,
  Effect,
  GetExecutionContext,
  handler,
  Pass,
  program,
  Resume,
  run,
  runAsync,
  type TraceEvent,
  Transfer,
  untracked,
  withHandlers,
} from "../src/index.js"

class Ask extends Effect<string> {
  constructor(readonly key: string) {
    super()
  }
}

const answer = handler((_eff, k) => Transfer(k, "hi"), { name: "answer", handles: [Ask] })
const passing = handler(() => Pass(), { name: "passing", handles: [Ask] })
const delegating = handler(
  function* delegating(_eff, k) {
    const outer = yield* Delegate()
    return yield* Transfer(k, `${String(outer)}!`)
  },
  { handles: [Ask] },
)
const resuming = handler(
  function* resuming(_eff, k) {
    return yield* Resume(k, "r")
  },
  { handles: [Ask] },
)

const greet = program(function* greet() {
  const a = yield* new Ask("a")
  const b = yield* new Ask("b")
  return `${a} ${b}`
})

/** The events of `run(p, { trace })`, without step numbers (checked separately). */
function eventsOf(p: Parameters<typeof run>[0], trace: "none" | "min" | "full"): TraceEvent[] {
  const events: TraceEvent[] = []
  run(p, { trace, onEvent: (e) => events.push(e) })
  return events
}

const shape = (e: TraceEvent) => ({ kind: e.kind, effect: e.effect, handler: e.handler })

describe("trace outside a scheduler", () => {
  it('"full" reports each perform and how each handler treated it, in order', () => {
    const events = eventsOf(withHandlers([answer, delegating, passing], greet), "full")
    expect(events.map(shape)).toEqual([
      { kind: "perform", effect: "Ask", handler: undefined },
      { kind: "pass", effect: "Ask", handler: "passing" },
      { kind: "delegate", effect: "Ask", handler: "delegating" },
      { kind: "transfer", effect: "Ask", handler: "answer" },
      { kind: "transfer", effect: "Ask", handler: "delegating" },
      { kind: "perform", effect: "Ask", handler: undefined },
      { kind: "pass", effect: "Ask", handler: "passing" },
      { kind: "delegate", effect: "Ask", handler: "delegating" },
      { kind: "transfer", effect: "Ask", handler: "answer" },
      { kind: "transfer", effect: "Ask", handler: "delegating" },
    ])
  })

  it("events carry increasing step numbers, task 0 and time 0 outside any scheduler", () => {
    const events = eventsOf(withHandlers([answer], greet), "full")
    const steps = events.map((e) => e.step)
    expect(steps).toEqual([...steps].sort((a, b) => a - b))
    expect(steps[0]).toBeGreaterThan(0)
    expect(events.every((e) => e.taskId === 0 && e.time === 0)).toBe(true)
  })

  it("a non-tail Resume is a resume event", () => {
    const events = eventsOf(withHandlers([resuming], greet), "full")
    expect(events.map((e) => e.kind)).toEqual(["perform", "resume", "perform", "resume"])
  })

  it('"min" and "none" report nothing without tasks; "none" is the default', () => {
    expect(eventsOf(withHandlers([answer], greet), "min")).toEqual([])
    expect(eventsOf(withHandlers([answer], greet), "none")).toEqual([])
    let called = false
    run(withHandlers([answer], greet), { onEvent: () => (called = true) })
    expect(called).toBe(false)
  })

  it("effvm's own effects (error enrichment) are not traced; a user's effects are", () => {
    const failing = program(function* failing() {
      yield* new Ask("a")
      throw new Error("boom")
    })
    const events: TraceEvent[] = []
    expect(() =>
      run(withHandlers([answer], failing), { trace: "full", onEvent: (e) => events.push(e) }),
    ).toThrow("boom")
    expect(events.map((e) => e.effect)).toEqual(["Ask", "Ask"])
    expect(events.some((e) => e.effect === GetExecutionContext.name)).toBe(false)
  })

  it("createVM and runAsync take the same options", async () => {
    const viaVM: TraceEvent[] = []
    const vm = createVM(withHandlers([answer], greet), {
      trace: "full",
      onEvent: (e) => viaVM.push(e),
    })
    while (vm.step() === "continue");
    const viaAsync: TraceEvent[] = []
    await runAsync(withHandlers([answer], greet), {
      trace: "full",
      onEvent: (e) => viaAsync.push(e),
    })
    expect(viaVM.length).toBe(4)
    expect(viaAsync).toEqual(viaVM)
  })

  it("bad trace options are TypeErrors naming the value", () => {
    expect(() => run(untracked(greet), { trace: "all" as never, onEvent: () => {} })).toThrow(
      /trace must be "none", "min" or "full", got "all"/,
    )
    expect(() => run(untracked(greet), { trace: "full" })).toThrow(/needs onEvent/)
  })

  it("an onEvent that throws stops the reporting; the run ends, then fails with that error", () => {
    const cleaned: string[] = []
    const guarded = program(function* guarded() {
      try {
        return yield* greet
      } finally {
        cleaned.push("finally")
      }
    })
    let calls = 0
    expect(() =>
      run(withHandlers([answer], guarded), {
        trace: "full",
        onEvent: () => {
          calls++
          throw new Error("listener bug")
        },
      }),
    ).toThrow("listener bug")
    expect(calls).toBe(1)
    expect(cleaned).toEqual(["finally"])
  })
})
