import { awaitPromise, gatherSettled, realClock, scheduled, sleep, spawn } from "@effvm/scheduler"
import { fn, handler, program, type TraceEvent, Transfer } from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { record, replay } from "../src/index.js"
import { Fetch, summary, throughJson } from "./helpers.js"

type Op =
  | { readonly op: "fetch"; readonly url: string }
  | { readonly op: "sleep"; readonly ms: number }
  | { readonly op: "await"; readonly value: number; readonly ms: number }
  | { readonly op: "fail" }
  | { readonly op: "yield" }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("fetch" as const), url: fc.constantFrom("/a", "/b", "/c") }),
  fc.record({ op: fc.constant("sleep" as const), ms: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    op: fc.constant("await" as const),
    value: fc.integer(),
    ms: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ op: fc.constant("yield" as const) }),
  { arbitrary: fc.record({ op: fc.constant("fail" as const) }), weight: 1 },
)

const task = fn(function* task(ops: readonly Op[], index: number) {
  let acc = `t${index}`
  for (const o of ops) {
    switch (o.op) {
      case "fetch":
        acc += `|${yield* new Fetch(o.url)}`
        break
      case "sleep":
        yield* sleep(o.ms)
        break
      case "await":
        acc += `|${yield* awaitPromise(new Promise<number>((resolve) => setTimeout(() => resolve(o.value), o.ms)))}`
        break
      case "fail":
        throw new Error(`task ${index} failed after ${acc}`)
      case "yield":
        yield* sleep(0)
    }
  }
  return acc
})

function programOf(tasks: readonly (readonly Op[])[], seed: number) {
  const main = program(function* main() {
    const spawned = []
    for (let i = 0; i < tasks.length; i++) spawned.push(yield* spawn(task(tasks[i]!, i)))
    const settled = yield* gatherSettled(...spawned)
    const failed = settled.find((s) => !s.ok)
    if (failed) throw (failed as { error: unknown }).error
    return settled
  })
  return scheduled(main, { clock: realClock, policy: { random: seed } })
}

/** An outside handler whose answers depend on its history: replay must not call it. */
function counter() {
  let n = 0
  const calls = { n: 0 }
  const http = handler(
    (eff: Fetch, k) => {
      calls.n++
      return Transfer(k, `${eff.url}#${++n}`)
    },
    { handles: [Fetch], name: "http" },
  )
  return { http, calls }
}

function withoutTime(events: TraceEvent[]): unknown[] {
  return events.map(({ time: _time, error, ...rest }) => ({
    ...rest,
    error: error instanceof Error ? `${error.name}: ${error.message}` : error,
  }))
}

describe("record/replay on random programs", () => {
  it("replay reproduces the outcome and the event trace, calling nothing outside", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 1_000 }),
        async (tasks, seed) => {
          const { http, calls } = counter()
          const recordedEvents: TraceEvent[] = []
          const { outcome, journal } = await record(programOf(tasks, seed), {
            handlers: [http],
            trace: "full",
            onEvent: (e) => recordedEvents.push(e),
          })
          const callsWhenRecorded = calls.n
          const replayedEvents: TraceEvent[] = []
          const again = await replay(programOf(tasks, seed), throughJson(journal), {
            trace: "full",
            onEvent: (e) => replayedEvents.push(e),
          })
          expect(summary(again)).toEqual(summary(outcome))
          expect(again.choices).toEqual(outcome.choices)
          expect(withoutTime(replayedEvents)).toEqual(withoutTime(recordedEvents))
          expect(calls.n).toBe(callsWhenRecorded)
        },
      ),
      { numRuns: 40 },
    )
  })
})
