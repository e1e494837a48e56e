import { scheduled, sleep, spawn, VirtualClock, WatchdogError, wait } from "@effvm/scheduler"
import { fn, program } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { durable, record, replay, sqliteStore } from "../src/index.js"
import { checkEntry, type JournalEntry } from "../src/journal/index.js"
import type { Store } from "../src/store/store.js"
import { summary, throughJson } from "./helpers.js"

/** How long the scan's first round spins in JS, in real ms, in the run under way. */
let spinMs = 0
/** The scan task's watchdog budget, in real ms (the same for a recording and its replay). */
let budgetMs = 5

const scan = fn(function* scan(rounds: number) {
  let done = 0
  for (let i = 0; i < rounds; i++) {
    const until = performance.now() + (i === 0 ? spinMs : 0)
    while (performance.now() < until) {} // busy JS work inside one activation
    yield* sleep(1)
    done++
  }
  return done
})

const plant = program(function* plant() {
  const task = yield* spawn(scan(3), { name: "scan", watchdog: { ms: budgetMs } })
  return yield* wait(task)
})

const run = () => scheduled(plant, { clock: new VirtualClock() })

describe("a watchdog on real time in a journaled run", () => {
  it("fired while recording: the replay faults at the same point with the same error, however fast it runs", async () => {
    budgetMs = 5
    spinMs = 20
    const recorded = await record(run())
    expect(recorded.outcome.status).toBe("failed")
    const error = (recorded.outcome as { error: unknown }).error
    expect(error).toBeInstanceOf(WatchdogError)

    spinMs = 0
    const replayed = await replay(run(), throughJson(recorded.journal))
    expect(summary(replayed)).toEqual(summary(recorded.outcome))
  })

  it("did not fire while recording: the replay does not fire either, however slow it runs", async () => {
    // A budget no activation of the recording comes near, even on a loaded machine.
    budgetMs = 200
    spinMs = 0
    const recorded = await record(run())
    expect(recorded.outcome).toMatchObject({ status: "done", value: 3 })

    spinMs = 250
    const replayed = await replay(run(), throughJson(recorded.journal))
    expect(replayed).toMatchObject({ status: "done", value: 3 })
  })

  it("is one journal entry naming the task, the check, and what was measured against the budget", async () => {
    budgetMs = 5
    spinMs = 20
    const { journal } = await record(run())
    const firings = journal.entries.filter((e) => e.type === "watchdog")
    expect(firings).toEqual([
      {
        type: "watchdog",
        task: expect.any(Number),
        check: 1,
        unit: "ms",
        budget: 5,
        measured: expect.any(Number),
      },
    ])
    expect((firings[0] as { measured: number }).measured).toBeGreaterThan(5)
  })

  it("fired just before a crash: the resumed durable run faults at the same point with the same error", async () => {
    budgetMs = 5
    spinMs = 20
    const store = sqliteStore(":memory:")
    // The store goes away right after the firing is stored: the run is cut off before it ends.
    const crashing: Store = {
      kind: store.kind,
      load: (id) => store.load(id),
      async claim(id, meta) {
        const claim = await store.claim(id, meta)
        return {
          id: claim.id,
          run: claim.run,
          append(position, entries) {
            claim.append(position, entries)
            if (entries.some((e) => (e as { type?: string }).type === "watchdog"))
              throw new Error("the store went away")
          },
          finish: (outcome) => claim.finish(outcome),
          release: () => claim.release(),
        }
      },
      close: () => store.close(),
    }
    await expect(durable(run(), { store: crashing, id: "plant" })).rejects.toThrow(
      "the store went away",
    )
    const stored = store.load("plant")!
    expect(stored.outcome).toBeUndefined()
    const firing = stored.entries.find((e) => (e as { type?: string }).type === "watchdog") as {
      measured: number
    }

    spinMs = 0
    const resumed = durable(run(), { store, id: "plant" })
    await expect(resumed).rejects.toBeInstanceOf(WatchdogError)
    await expect(resumed).rejects.toMatchObject({ measured: firing.measured, budget: 5 })
    expect(store.load("plant")!.outcome).toMatchObject({ status: "failed" })
    await store.close()
  })

  it("a damaged watchdog entry is refused, naming the entry and the field", () => {
    const entry: unknown = {
      type: "watchdog",
      task: 2,
      check: 1,
      unit: "hours",
      budget: 5,
      measured: 9,
    }
    expect(() => checkEntry(entry, 7)).toThrow(
      /the journal is damaged at entry 7: "unit" must be "ms" or "steps"/,
    )
    const fine: JournalEntry = {
      type: "watchdog",
      task: 2,
      check: 1,
      unit: "ms",
      budget: 5,
      measured: 9,
    }
    expect(() => checkEntry(fine, 0)).not.toThrow()
  })
})
