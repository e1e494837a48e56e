import { fn, program, run } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  ReplayDivergenceError,
  race,
  type SchedulerOptions,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "../src/index.js"
import { thrownBy } from "./helpers.js"
import { racyCounter } from "./racy.js"

/** Runs `body` with `options` on a virtual clock; returns its value and the choice log. */
function runRecorded<T>(body: Parameters<typeof scheduled<T>>[0], options: SchedulerOptions = {}) {
  let log: readonly number[] | null = null
  let calls = 0
  const value = run(
    scheduled(body, {
      clock: new VirtualClock(),
      ...options,
      onChoices: (choices) => {
        log = choices
        calls++
      },
    }),
  )
  return { value, log: log as unknown as readonly number[], calls }
}

/** Three workers that each log their name twice, yielding in between: the interleaving. */
const interleaving = program(function* interleaving() {
  const order: string[] = []
  const worker = fn(function* worker(name: string) {
    for (let i = 0; i < 3; i++) {
      order.push(name)
      yield* sleep(0)
    }
  })
  const tasks = [yield* spawn(worker("a")), yield* spawn(worker("b")), yield* spawn(worker("c"))]
  for (const task of tasks) yield* wait(task)
  return order.join("")
})

describe("policies", () => {
  it('"fifo" runs ready tasks by priority then first in first out (the default)', () => {
    expect(runRecorded(interleaving).value).toBe("abcabcabc")
    expect(runRecorded(interleaving, { policy: "fifo" }).value).toBe("abcabcabc")
  })

  it("the same seed gives the same interleaving", () => {
    const first = runRecorded(interleaving, { policy: { random: 42 } })
    const second = runRecorded(interleaving, { policy: { random: 42 } })
    expect(second.value).toBe(first.value)
    expect(second.log).toEqual(first.log)
  })

  it("different seeds give different interleavings", () => {
    const seen = new Set<string>()
    for (let seed = 0; seed < 20; seed++)
      seen.add(runRecorded(interleaving, { policy: { random: seed } }).value)
    expect(seen.size).toBeGreaterThan(5)
  })

  it("a seed sweep finds a lost update that FIFO never shows", () => {
    expect(runRecorded(racyCounter).value).toBe(2)
    const outcomes = new Map<number, number>()
    for (let seed = 0; seed < 50; seed++)
      outcomes.set(seed, runRecorded(racyCounter, { policy: { random: seed } }).value)
    const failing = [...outcomes].filter(([, n]) => n === 1)
    const passing = [...outcomes].filter(([, n]) => n === 2)
    expect(failing.length).toBeGreaterThan(0)
    expect(passing.length).toBeGreaterThan(0)
  })

  it("replaying the log of a failing seed reproduces the lost update exactly", () => {
    let seed = 0
    while (runRecorded(racyCounter, { policy: { random: seed } }).value !== 1) seed++
    const failing = runRecorded(racyCounter, { policy: { random: seed } })
    const replayed = runRecorded(racyCounter, { policy: { replay: failing.log } })
    expect(replayed.value).toBe(1)
    expect(replayed.log).toEqual(failing.log)
  })

  it("{ random: seed } picks among ready tasks whatever their priority", () => {
    const prioritized = program(function* prioritized() {
      const order: string[] = []
      const note = fn(function* note(name: string) {
        order.push(name)
      })
      const low = yield* spawn(note("low"), { priority: 0 })
      const high = yield* spawn(note("high"), { priority: 10 })
      yield* wait(low)
      yield* wait(high)
      return order[0]
    })
    expect(runRecorded(prioritized).value).toBe("high")
    const firsts = new Set<string | undefined>()
    for (let seed = 0; seed < 30; seed++)
      firsts.add(runRecorded(prioritized, { policy: { random: seed } }).value)
    expect(firsts).toEqual(new Set(["low", "high"]))
  })
})

describe("choice logs", () => {
  it("record one task id per scheduling decision, decisions with one ready task included", () => {
    const single = program(function* single() {
      const child = yield* spawn(
        program(function* child() {
          yield* sleep(0)
          return 1
        }),
      )
      return yield* wait(child)
    })
    // main waits → child runs (only ready task); child yields → child again; child ends → main.
    expect(runRecorded(single).log).toEqual([2, 2, 1])
  })

  it("onChoices is called once, when the scheduler ends, also when the run fails", () => {
    const failing = program(function* failing() {
      yield* sleep(0)
      throw new Error("boom")
    })
    let calls = 0
    let log: readonly number[] = []
    const error = thrownBy(() =>
      run(
        scheduled(failing, {
          clock: new VirtualClock(),
          onChoices: (l) => {
            calls++
            log = l
          },
        }),
      ),
    )
    expect((error as Error).message).toBe("boom")
    expect(calls).toBe(1)
    expect(log).toEqual([1])
  })

  it("replay never mutates the log, and ignores leftover entries", () => {
    const recorded = runRecorded(interleaving, { policy: { random: 3 } })
    const log = Object.freeze([...recorded.log, 1, 1, 1])
    const replayed = runRecorded(interleaving, { policy: { replay: log } })
    expect(replayed.value).toBe(recorded.value)
    expect(log).toEqual([...recorded.log, 1, 1, 1])
  })

  it("a log that asks for a task that is not ready fails with ReplayDivergenceError at that choice", () => {
    const recorded = runRecorded(interleaving, { policy: { random: 5 } })
    const tampered = [...recorded.log]
    const at = 4
    const notReady = 99
    tampered[at] = notReady
    const error = thrownBy(() =>
      run(scheduled(interleaving, { clock: new VirtualClock(), policy: { replay: tampered } })),
    )
    expect(error).toBeInstanceOf(ReplayDivergenceError)
    const divergence = error as ReplayDivergenceError
    expect(divergence.index).toBe(at)
    expect(divergence.expected).toBe(notReady)
    expect(divergence.ready.length).toBeGreaterThan(0)
    expect(divergence.message).toContain("choice 4")
  })

  it("tasks finished while queued are not decisions: a replay skips them like FIFO does", () => {
    // race cancels its loser before it ever ran: its queue entry goes stale.
    const stale = program(function* stale() {
      const quick = program(function* quick() {
        return 1
      })
      yield* race(quick, quick)
      yield* sleep(1)
      return "done"
    })
    for (let seed = 0; seed < 10; seed++) {
      const recorded = runRecorded(stale, { policy: { random: seed } })
      expect(runRecorded(stale, { policy: { replay: recorded.log } })).toEqual(recorded)
    }
  })

  it("running out of log is a divergence", () => {
    const recorded = runRecorded(interleaving)
    const short = recorded.log.slice(0, 3)
    const error = thrownBy(() =>
      run(scheduled(interleaving, { clock: new VirtualClock(), policy: { replay: short } })),
    )
    expect(error).toBeInstanceOf(ReplayDivergenceError)
    expect((error as ReplayDivergenceError).index).toBe(3)
    expect((error as ReplayDivergenceError).expected).toBeUndefined()
  })

  it("a divergence cancels every task: their finally blocks run", () => {
    const cleaned: string[] = []
    const guarded = program(function* guarded() {
      const worker = fn(function* worker(name: string) {
        try {
          for (;;) yield* sleep(0)
        } finally {
          cleaned.push(name)
        }
      })
      yield* spawn(worker("a"))
      yield* spawn(worker("b"))
      for (;;) yield* sleep(0)
    })
    const error = thrownBy(() =>
      run(scheduled(guarded, { clock: new VirtualClock(), policy: { replay: [2, 3, 1, 2] } })),
    )
    expect(error).toBeInstanceOf(ReplayDivergenceError)
    expect(cleaned.sort()).toEqual(["a", "b"])
  })

  it("bad policies are TypeErrors naming the value", () => {
    const body = program(function* body() {
      return 1
    })
    expect(() => scheduled(body, { policy: "lifo" as never })).toThrow(/policy must be "fifo"/)
    expect(() => scheduled(body, { policy: { random: 1.5 } })).toThrow(/seed must be an integer/)
    expect(() => scheduled(body, { policy: { replay: ["x"] as never } })).toThrow(
      /array of task ids/,
    )
    expect(() => scheduled(body, { onChoices: 3 as never })).toThrow(/onChoices must be a function/)
  })
})
