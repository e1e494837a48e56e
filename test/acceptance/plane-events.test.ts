// docs/semantics.md §10 events: run/runAsync/createVM options `trace` and `onEvent`, and the precise
// rules on event fields and which events are given.

import {
  cancel,
  gatherSettled,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "@effvm/scheduler"
import {
  createVM,
  Delegate,
  Effect,
  handler,
  Pass,
  program,
  Resume,
  run,
  runAsync,
  runOutcome,
  type TraceEvent,
  Transfer,
  withHandlers,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Ping extends Effect<number> {}

const pinger = handler(
  function* pinger(eff, k) {
    if (eff instanceof Ping) return yield* Resume(k, 1)
    return yield* Pass()
  },
  { name: "pinger" },
)
const transferring = handler(
  function* transferring(eff, k) {
    if (eff instanceof Ping) return yield* Transfer(k, 1)
    return yield* Pass()
  },
  { name: "transferring" },
)
const passing = handler(
  function* passing(_eff, _k) {
    return yield* Pass()
  },
  { name: "passing" },
)
const delegating = handler(
  function* delegating(eff, k) {
    if (eff instanceof Ping) {
      const outer = yield* Delegate()
      return yield* Transfer(k, (outer as number) + 1)
    }
    return yield* Pass()
  },
  { name: "delegating" },
)

const pings = (n: number) =>
  program(function* pings() {
    let sum = 0
    for (let i = 0; i < n; i++) sum += yield* new Ping()
    return sum
  })

function collect(): [TraceEvent[], (e: TraceEvent) => void] {
  const events: TraceEvent[] = []
  return [events, (e) => events.push(e)]
}

/** body + a (ok) + b (fails, settled) + c (cancelled) */
function family(ids: Record<string, number>) {
  return program(function* body() {
    const a = yield* spawn(
      program(function* a() {
        yield* sleep(1)
        return 1
      }),
      { name: "a" },
    )
    const b = yield* spawn(
      program(function* b() {
        yield* sleep(2)
        throw new Error("b failed")
      }),
      { name: "b" },
    )
    const c = yield* spawn(
      program(function* c() {
        yield* sleep(1_000)
      }),
      { name: "c" },
    )
    ids.a = a.id
    ids.b = b.id
    ids.c = c.id
    yield* gatherSettled(a, b)
    yield* cancel(c)
    yield* gatherSettled(c)
    return "ok"
  })
}

const TASK_KINDS = ["spawn", "switch", "cancel", "fail", "done"]
const EFFECT_KINDS = ["perform", "resume", "transfer", "pass", "delegate"]

describe("trace option", () => {
  it("defaults to 'none': onEvent alone receives nothing (run, runAsync, createVM)", async () => {
    const [events, onEvent] = collect()
    run(withHandlers([pinger], pings(3)), { onEvent })
    await runAsync(withHandlers([pinger], pings(3)), { onEvent })
    const vm = createVM(withHandlers([pinger], pings(3)), { onEvent })
    while (vm.step() === "continue") {}
    run(scheduled(family({}), { clock: new VirtualClock() }), { onEvent })
    expect(events).toEqual([])
  })

  it("'none' gives no events", () => {
    const [events, onEvent] = collect()
    run(scheduled(family({}), { clock: new VirtualClock() }), { trace: "none", onEvent })
    expect(events).toEqual([])
  })

  it("is accepted by createVM and runAsync", async () => {
    const [events, onEvent] = collect()
    const vm = createVM(withHandlers([pinger], pings(2)), { trace: "full", onEvent })
    while (vm.step() === "continue") {}
    expect(events.filter((e) => e.kind === "perform")).toHaveLength(2)
    const [asyncEvents, onAsync] = collect()
    await runAsync(withHandlers([pinger], pings(2)), { trace: "full", onEvent: onAsync })
    expect(asyncEvents.filter((e) => e.kind === "perform")).toHaveLength(2)
  })
})

describe("trace: 'min'", () => {
  it("gives only task and error events, each { kind, step, taskId, time }", () => {
    const [events, onEvent] = collect()
    run(scheduled(family({}), { clock: new VirtualClock() }), { trace: "min", onEvent })
    expect(events.length).toBeGreaterThan(0)
    for (const e of events) {
      expect(TASK_KINDS).toContain(e.kind)
      expect(Number.isInteger(e.step)).toBe(true)
      expect(typeof e.taskId).toBe("number")
      expect(typeof e.time).toBe("number")
    }
  })

  it("gives a spawn per spawned task, a cancel for a cancelled one, and exactly one done or fail per task", () => {
    const ids: Record<string, number> = {}
    const [events, onEvent] = collect()
    run(scheduled(family(ids), { clock: new VirtualClock() }), { trace: "min", onEvent })
    for (const name of ["a", "b", "c"]) {
      expect(events.filter((e) => e.kind === "spawn" && e.taskId === ids[name])).toHaveLength(1)
    }
    expect(events.some((e) => e.kind === "cancel" && e.taskId === ids.c)).toBe(true)
    const ends = events.filter((e) => e.kind === "done" || e.kind === "fail")
    const perTask = new Map<number, string[]>()
    for (const e of ends) perTask.set(e.taskId, [...(perTask.get(e.taskId) ?? []), e.kind])
    // body, a, b, c: one ending each
    expect(perTask.size).toBe(4)
    for (const kinds of perTask.values()) expect(kinds).toHaveLength(1)
    expect(perTask.get(ids.a!)).toEqual(["done"])
    expect(perTask.get(ids.b!)).toEqual(["fail"])
  })

  it("gives switch events naming the task switched to", () => {
    const ids: Record<string, number> = {}
    const [events, onEvent] = collect()
    run(scheduled(family(ids), { clock: new VirtualClock() }), { trace: "min", onEvent })
    expect(events.some((e) => e.kind === "switch" && e.taskId === ids.a)).toBe(true)
  })

  it("gives a fail event for a run that fails", () => {
    const [events, onEvent] = collect()
    runOutcome(
      scheduled(
        program(function* body() {
          yield* sleep(1)
          throw new Error("down")
        }),
        { clock: new VirtualClock() },
      ),
      { trace: "min", onEvent },
    )
    expect(events.filter((e) => e.kind === "fail")).toHaveLength(1)
  })
})

describe("trace: 'full'", () => {
  it("gives one perform event per `yield* effect`, with the effect's class name", () => {
    const [events, onEvent] = collect()
    run(withHandlers([pinger], pings(5)), { trace: "full", onEvent })
    const performs = events.filter((e) => e.kind === "perform")
    expect(performs).toHaveLength(5)
    for (const e of performs) expect(e.effect).toBe("Ping")
  })

  it("gives resume and transfer events naming the handler", () => {
    const [resumed, onResumed] = collect()
    run(withHandlers([pinger], pings(1)), { trace: "full", onEvent: onResumed })
    expect(
      resumed.some((e) => e.kind === "resume" && e.handler === "pinger" && e.effect === "Ping"),
    ).toBe(true)
    const [transferred, onTransferred] = collect()
    run(withHandlers([transferring], pings(1)), { trace: "full", onEvent: onTransferred })
    expect(transferred.some((e) => e.kind === "transfer" && e.handler === "transferring")).toBe(
      true,
    )
  })

  it("gives a pass event for Pass() and a delegate event for Delegate(), naming the handler", () => {
    const [passed, onPassed] = collect()
    expect(
      run(withHandlers([pinger, passing], pings(1)), { trace: "full", onEvent: onPassed }),
    ).toBe(1)
    expect(
      passed.filter((e) => e.kind === "pass" && e.handler === "passing" && e.effect === "Ping"),
    ).toHaveLength(1)
    const [delegated, onDelegated] = collect()
    expect(
      run(withHandlers([pinger, delegating], pings(1)), { trace: "full", onEvent: onDelegated }),
    ).toBe(2)
    expect(
      delegated.filter(
        (e) => e.kind === "delegate" && e.handler === "delegating" && e.effect === "Ping",
      ),
    ).toHaveLength(1)
    // the delegated effect is one `yield* effect`: still one perform event
    expect(delegated.filter((e) => e.kind === "perform")).toHaveLength(1)
  })

  it("does not trace effvm's internal effects (error enrichment, preemption)", () => {
    const [events, onEvent] = collect()
    const body = program(function* body() {
      let sum = 0
      for (let i = 0; i < 200; i++) {
        sum += yield* new Ping()
        try {
          yield* program(function* thrower() {
            throw new Error("caught")
          })
        } catch {
          // error dispatch (GetExecutionContext) happened here
        }
      }
      return sum
    })
    run(scheduled(body, { quanta: 4 }), { trace: "full", onEvent, handlers: [pinger] })
    const performs = events.filter((e) => e.kind === "perform")
    expect(performs).toHaveLength(200)
    expect(new Set(performs.map((e) => e.effect))).toEqual(new Set(["Ping"]))
  })

  it("adds the task events of 'min' and only known kinds", () => {
    const [events, onEvent] = collect()
    run(scheduled(family({}), { clock: new VirtualClock() }), { trace: "full", onEvent })
    const kinds = new Set(events.map((e) => e.kind))
    for (const k of kinds) expect([...TASK_KINDS, ...EFFECT_KINDS]).toContain(k)
    for (const k of ["spawn", "switch", "done", "fail", "cancel", "perform"])
      expect(kinds).toContain(k)
  })

  it("stamps step numbers in order, the performing task's id and the scheduler clock time", () => {
    const [events, onEvent] = collect()
    let childId = -1
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          const child = yield* spawn(
            program(function* child() {
              yield* sleep(50)
              return yield* new Ping()
            }),
          )
          childId = child.id
          return yield* wait(child)
        }),
        { clock: new VirtualClock() },
      ),
      { trace: "full", onEvent, handlers: [pinger] },
    )
    expect(outcome.status).toBe("done")
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.step).toBeGreaterThanOrEqual(events[i - 1]!.step)
    }
    expect(events.at(-1)!.step).toBeLessThanOrEqual(outcome.steps)
    const ping = events.filter((e) => e.kind === "perform" && e.effect === "Ping")
    expect(ping).toHaveLength(1)
    expect(ping[0]!.taskId).toBe(childId)
    expect(ping[0]!.time).toBe(50)
  })
})
