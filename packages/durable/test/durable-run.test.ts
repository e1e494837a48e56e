import { Effect, fn, handler, program, StopError, Transfer } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { durable, effectKey } from "../src/durable.js"
import { sqliteStore } from "../src/store/sqlite.js"
import { RunClaimedError } from "../src/store/store.js"
import { answerOf, type Call, failingAfter, Work, workers, workHandler } from "./durable-helpers.js"

// The value an uninterrupted run of workers(3, 6) ends with.
async function expectedOf(tasks: number, steps: number): Promise<number[]> {
  const store = sqliteStore(":memory:")
  const value = await durable(workers(tasks, steps), {
    store,
    id: "reference",
    handlers: [workHandler([])],
  })
  await store.close()
  return value
}

describe("durable", () => {
  it("runs like runAsync and stores the journal and the outcome", async () => {
    const store = sqliteStore(":memory:")
    const log: { key: string; task: number; step: number }[] = []
    const value = await durable(workers(3, 6), { store, id: "r", handlers: [workHandler(log)] })
    expect(value).toEqual(await expectedOf(3, 6))
    expect(log).toHaveLength(18)
    const stored = store.load("r")!
    expect(stored.entries.length).toBeGreaterThan(18)
    expect(stored.outcome).toEqual({ status: "done", value })
    await store.close()
  })

  it("a finished run's stored value is returned without running anything", async () => {
    const store = sqliteStore(":memory:")
    const first: Call[] = []
    const value = await durable(workers(2, 3), { store, id: "r", handlers: [workHandler(first)] })
    let started = 0
    const counted = program(function* counted() {
      started++
      return [] as number[]
    })
    const again: Call[] = []
    await expect(
      durable(counted, { store, id: "r", handlers: [workHandler(again)] }),
    ).resolves.toEqual(value)
    expect(started).toBe(0)
    expect(again).toEqual([])
    await store.close()
  })

  it("a finished run's stored failure is thrown again with its name and message", async () => {
    class OrderError extends Error {
      override name = "OrderError"
    }
    const failing = program(function* placeOrder() {
      yield* new Work(0, 0)
      throw new OrderError("card declined for order 42")
    })
    const store = sqliteStore(":memory:")
    const first = durable(failing, { store, id: "o", handlers: [workHandler([])] })
    await expect(first).rejects.toThrow("card declined for order 42")
    const log: Call[] = []
    const again = durable(failing, { store, id: "o", handlers: [workHandler(log)] })
    await expect(again).rejects.toMatchObject({
      name: "OrderError",
      message: "card declined for order 42",
    })
    await expect(again).rejects.toBeInstanceOf(Error)
    expect(log).toEqual([])
    await store.close()
  })

  it("a run cut off by its store resumes from the stored journal: stored answers are not asked again", async () => {
    const store = sqliteStore(":memory:")
    const before: { key: string; task: number; step: number }[] = []
    const cut = durable(workers(3, 6), {
      store: failingAfter(store, 15),
      id: "r",
      handlers: [workHandler(before)],
    })
    await expect(cut).rejects.toThrow("the store went away")
    expect(store.load("r")!.entries).toHaveLength(15)
    expect(store.load("r")!.outcome).toBeUndefined()

    const after: { key: string; task: number; step: number }[] = []
    const value = await durable(workers(3, 6), { store, id: "r", handlers: [workHandler(after)] })
    expect(value).toEqual(await expectedOf(3, 6))
    // Every effect ran once, but for those whose answer was not stored when the store failed.
    const storedKeys = new Set(
      store
        .load("r")!
        .entries.map((e, i) => ((e as { type: string }).type === "answer" ? `r:${i}` : null))
        .filter((k) => k !== null),
    )
    const twice = after.filter((a) => before.some((b) => b.key === a.key))
    for (const call of twice) expect(Number(call.key.split(":")[1])).toBeGreaterThanOrEqual(15)
    expect(new Set([...before, ...after].map((c) => `${c.task}/${c.step}`)).size).toBe(18)
    expect(storedKeys.size).toBe(18)
    await store.close()
  })

  it("effectKey is the run id and the position of the effect's answer, the same when it runs again", async () => {
    const store = sqliteStore(":memory:")
    const before: { key: string; task: number; step: number }[] = []
    await expect(
      durable(workers(1, 4), {
        store: failingAfter(store, 3),
        id: "k",
        handlers: [workHandler(before)],
      }),
    ).rejects.toThrow()
    const after: { key: string; task: number; step: number }[] = []
    await durable(workers(1, 4), { store, id: "k", handlers: [workHandler(after)] })
    const entries = store.load("k")!.entries as { type: string; effect?: { fields: unknown } }[]
    for (const call of [...before, ...after]) {
      const position = Number(/^k:(\d+)$/.exec(call.key)![1])
      expect(entries[position]).toMatchObject({
        type: "answer",
        effect: { class: "Work", fields: { task: call.task, step: call.step } },
      })
    }
    // The effect in flight when the store failed was asked again under the same key.
    const inFlight = before[before.length - 1]!
    expect(after[0]).toEqual(inFlight)
    await store.close()
  })

  it("a second durable() of a run that is under way is refused with RunClaimedError", async () => {
    const store = sqliteStore(":memory:")
    const first = durable(workers(2, 3), { store, id: "busy", handlers: [workHandler([], 2)] })
    const second = durable(workers(2, 3), { store, id: "busy", handlers: [workHandler([], 2)] })
    await expect(second).rejects.toBeInstanceOf(RunClaimedError)
    await expect(second).rejects.toThrow(/run "busy" is already claimed/)
    await expect(first).resolves.toEqual(await expectedOf(2, 3))
    await store.close()
  })

  it("a stopped run rejects with StopError and stays resumable", async () => {
    const store = sqliteStore(":memory:")
    const controller = new AbortController()
    const log: Call[] = []
    const stopping = handler(
      (eff: Work, k) => {
        log.push({ key: effectKey(eff), task: eff.task, step: eff.step })
        if (log.length === 4) controller.abort()
        return Transfer(k, answerOf(eff.task, eff.step))
      },
      { handles: [Work] },
    )
    const stopped = durable(workers(2, 4), {
      store,
      id: "s",
      handlers: [stopping],
      signal: controller.signal,
    })
    await expect(stopped).rejects.toBeInstanceOf(StopError)
    expect(store.load("s")!.outcome).toBeUndefined()
    await expect(
      durable(workers(2, 4), { store, id: "s", handlers: [workHandler([])] }),
    ).resolves.toEqual(await expectedOf(2, 4))
    await store.close()
  })

  it("a run id started by another program is refused, naming both programs", async () => {
    const store = sqliteStore(":memory:")
    await expect(
      durable(workers(1, 4), {
        store: failingAfter(store, 2),
        id: "p",
        handlers: [workHandler([])],
      }),
    ).rejects.toThrow()
    const other = fn(function* otherProgram() {
      return 1
    })
    await expect(durable(other(), { store, id: "p" })).rejects.toThrow(
      'run "p" was started by program "scheduled(workers)", not "otherProgram"',
    )
    await store.close()
  })

  it("a stored journal the program no longer matches is a JournalDivergenceError", async () => {
    const store = sqliteStore(":memory:")
    const steps = (n: number) =>
      program(function* steps() {
        let sum = 0
        for (let i = 0; i < n; i++) sum += yield* new Work(n, i)
        return sum
      })
    await expect(
      durable(steps(3), { store: failingAfter(store, 2), id: "d", handlers: [workHandler([])] }),
    ).rejects.toThrow()
    await expect(
      durable(steps(4), { store, id: "d", handlers: [workHandler([])] }),
    ).rejects.toMatchObject({
      name: "JournalDivergenceError",
      position: 0,
    })
    await store.close()
  })

  it("effectKey of an effect that did not leave a durable run is a TypeError", () => {
    class Ping extends Effect<void> {}
    expect(() => effectKey(new Ping())).toThrow(/effectKey\(Ping\): this effect was not offered/)
  })

  it("options without a store or an id are a TypeError naming the value", async () => {
    await expect(durable(workers(1, 1), { id: "x" } as never)).rejects.toThrow(
      /options.store must be a store .* got undefined/,
    )
    await expect(
      durable(workers(1, 1), { store: sqliteStore(":memory:"), id: "" }),
    ).rejects.toThrow(/options.id must be a non-empty string naming the run, got ""/)
  })
})
