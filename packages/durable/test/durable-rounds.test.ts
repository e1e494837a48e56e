import { gather, scheduled, sleep, spawn, VirtualClock } from "@effvm/scheduler"
import { fn, handler, program, StopError, Transfer } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { durable } from "../src/durable.js"
import { record, replay } from "../src/record.js"
import { sqliteStore } from "../src/store/sqlite.js"
import { answerOf, type Call, Work, workHandler } from "./durable-helpers.js"
import { summary, throughJson } from "./helpers.js"

/** Works and sleeps forever; its cleanup does one more piece of work (step 999). */
const looper = fn(function* looper(task: number) {
  try {
    for (let i = 0; ; i++) {
      yield* new Work(task, i)
      yield* sleep(10)
    }
  } finally {
    yield* new Work(task, 999)
  }
})

/** Two loopers, bounded by the scheduler's `maxRounds`. */
const plant = (maxRounds: number) =>
  scheduled(
    program(function* plant() {
      const a = yield* spawn(looper(1), { name: "a" })
      const b = yield* spawn(looper(2), { name: "b" })
      return yield* gather(a, b)
    }),
    { clock: new VirtualClock(), maxRounds },
  )

const steps = (log: readonly Call[]) => log.map((c) => `${c.task}:${c.step}`)

describe("a run stopped by its own maxRounds", () => {
  it("has ended as durable runs: its stop is stored, and the same id throws it again without running anything", async () => {
    const store = sqliteStore(":memory:")
    const first: Call[] = []
    const stopped = durable(plant(7), { store, id: "m", handlers: [workHandler(first)] })
    await expect(stopped).rejects.toBeInstanceOf(StopError)
    await expect(stopped).rejects.toThrow("The run was stopped: maxRounds (7) reached")
    // Both cleanups ran, and their work is journaled with the rest.
    expect(steps(first).slice(-2).sort()).toEqual(["1:999", "2:999"])
    const stored = store.load("m")!
    expect(stored.outcome).toEqual({ status: "stopped", reason: "maxRounds (7) reached" })

    const again: Call[] = []
    const second = durable(plant(7), { store, id: "m", handlers: [workHandler(again)] })
    await expect(second).rejects.toBeInstanceOf(StopError)
    await expect(second).rejects.toThrow("The run was stopped: maxRounds (7) reached")
    expect(again).toEqual([])
    expect(store.load("m")!.entries).toHaveLength(stored.entries.length)
    await store.close()
  })

  it("crashed while stopping resumes from its journal, performs only the rest of the cleanup, and ends stopped", async () => {
    const reference = sqliteStore(":memory:")
    const whole: Call[] = []
    await durable(plant(7), { store: reference, id: "m", handlers: [workHandler(whole)] }).catch(
      () => {},
    )
    await reference.close()

    // The store goes away right after the first cleanup's work is stored.
    const store = sqliteStore(":memory:")
    const before: Call[] = []
    let stopsAt = -1
    const cut = durable(plant(7), {
      store: {
        ...store,
        load: (id) => store.load(id),
        claim: async (id, meta) => {
          const claim = await store.claim(id, meta)
          return {
            ...claim,
            id: claim.id,
            run: claim.run,
            append(position, entries) {
              claim.append(position, entries)
              if (stopsAt === -1 && before.some((c) => c.step === 999)) {
                stopsAt = position
                throw new Error("the store went away")
              }
            },
            finish: (outcome) => claim.finish(outcome),
            release: () => claim.release(),
          }
        },
        close: () => store.close(),
      },
      id: "m",
      handlers: [workHandler(before)],
    })
    await expect(cut).rejects.toThrow("the store went away")
    expect(store.load("m")!.outcome).toBeUndefined()

    const after: Call[] = []
    const resumed = durable(plant(7), { store, id: "m", handlers: [workHandler(after)] })
    await expect(resumed).rejects.toThrow("The run was stopped: maxRounds (7) reached")
    // Between them, every piece of work of the uninterrupted run was done once.
    expect([...steps(before), ...steps(after)].sort()).toEqual(steps(whole).sort())
    expect(store.load("m")!.outcome).toEqual({ status: "stopped", reason: "maxRounds (7) reached" })
    await store.close()
  })

  it("records and replays to the same stop, cleanups included, calling nothing outside", async () => {
    const log: string[] = []
    const work = handler(
      (eff: Work, k) => {
        log.push(`${eff.task}:${eff.step}`)
        return Transfer(k, answerOf(eff.task, eff.step))
      },
      { handles: [Work], name: "work" },
    )
    const recorded = await record(plant(7), { handlers: [work] })
    expect(recorded.outcome.status).toBe("stopped")
    expect(log.slice(-2).sort()).toEqual(["1:999", "2:999"])
    const calls = log.length
    const replayed = await replay(plant(7), throughJson(recorded.journal), { handlers: [work] })
    expect(summary(replayed)).toEqual(summary(recorded.outcome))
    expect(log).toHaveLength(calls)
  })
})
