import { fromEffect } from "@effvm/interop"
import { awaitPromise, gather, realClock, scheduled, sleep, spawn } from "@effvm/scheduler"
import {
  awaitExternal,
  Delegate,
  fn,
  getTraceback,
  handler,
  Pass,
  program,
  Resume,
  ResumeThrow,
  Transfer,
  TransferThrow,
  withHandler,
} from "@effvm/vm-core"
import * as EffectTS from "effect/Effect"
import { describe, expect, it } from "vitest"
import { record, replay } from "../src/index.js"
import { Fetch, httpHandler, Store, storeHandler, summary, throughJson } from "./helpers.js"

const fetchBoth = program(function* fetchBoth() {
  const a = yield* new Fetch("/a")
  const b = yield* new Fetch("/b")
  return `${a} + ${b}`
})

describe("record", () => {
  it("resolves to the run's outcome and a journal holding the outside answers", async () => {
    const { http } = httpHandler()
    const { outcome, journal } = await record(fetchBoth, { handlers: [http] })
    expect(outcome).toMatchObject({ status: "done", value: "body of /a + body of /b" })
    expect(journal.version).toBe(1)
    expect(journal.program).toBe("fetchBoth")
    expect(journal.handlers).toEqual([{ name: "http", handles: ["Fetch"] }])
    expect(journal.entries).toEqual([
      {
        type: "answer",
        handler: 0,
        effect: { class: "Fetch", fields: { url: "/a" } },
        how: "value",
        value: "body of /a",
      },
      {
        type: "answer",
        handler: 0,
        effect: { class: "Fetch", fields: { url: "/b" } },
        how: "value",
        value: "body of /b",
      },
    ])
  })

  it("journals nothing for effects the program answers itself", async () => {
    const inner = handler((eff: Fetch, k) => Transfer(k, `cached ${eff.url}`), { handles: [Fetch] })
    const { http, calls } = httpHandler()
    const { outcome, journal } = await record(withHandler(inner, fetchBoth), { handlers: [http] })
    expect(outcome).toMatchObject({ status: "done", value: "cached /a + cached /b" })
    expect(calls).toEqual([])
    expect(journal.entries).toEqual([])
  })

  it("records a failed run's journal too", async () => {
    const { http } = httpHandler(["/b"])
    const { outcome, journal } = await record(fetchBoth, { handlers: [http] })
    expect(outcome.status).toBe("failed")
    expect(journal.entries.map((e) => e.type === "answer" && e.how)).toEqual(["value", "throw"])
  })

  it("is plain JSON data: it survives a trip through JSON unchanged", async () => {
    const { http } = httpHandler()
    const { journal } = await record(scheduled(fetchBoth, { clock: realClock }), {
      handlers: [http],
    })
    expect(throughJson(journal)).toEqual(journal)
  })
})

describe("replay", () => {
  it("reproduces the value without calling the outside handlers", async () => {
    const { http, calls } = httpHandler()
    const { outcome, journal } = await record(fetchBoth, { handlers: [http] })
    calls.length = 0
    const again = await replay(fetchBoth, throughJson(journal))
    expect(summary(again)).toEqual(summary(outcome))
    expect(calls).toEqual([])
  })

  it("reproduces an outside handler's error with its class name, message and traceback", async () => {
    class RateLimited extends Error {
      override name = "RateLimited"
      readonly retryAfter = 30
    }
    const limited = handler(
      (eff: Fetch, k) => {
        if (eff.url === "/b") throw new RateLimited(`slow down on ${eff.url}`)
        return Transfer(k, "ok")
      },
      { handles: [Fetch], name: "limited" },
    )
    const caller = fn(function* caller() {
      return yield* fetchBoth
    })
    const { outcome, journal } = await record(caller(), { handlers: [limited] })
    const again = await replay(caller(), throughJson(journal))
    expect(again.status).toBe("failed")
    expect(summary(again)).toEqual(summary(outcome))
    const error = (again as { error: Error }).error
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe("RateLimited")
    expect((error as unknown as { retryAfter: number }).retryAfter).toBe(30)
    const frames = getTraceback(error)!
      .sections.at(-1)!
      .frames.map((f) => f.call)
    expect(frames).toEqual(["caller()", "fetchBoth()"])
  })

  it("reproduces a program's own error with the same traceback, task chain included", async () => {
    const { http } = httpHandler()
    const worker = fn(function* worker(i: number) {
      const body = yield* new Fetch(`/item/${i}`)
      yield* sleep(1)
      if (i === 2) throw new Error(`corrupt ${body}`)
      return body
    })
    const main = program(function* main() {
      const tasks = []
      for (let i = 0; i < 3; i++) tasks.push(yield* spawn(worker(i), { name: `worker ${i}` }))
      return yield* gather(...tasks)
    })
    const { outcome, journal } = await record(scheduled(main, { clock: realClock }), {
      handlers: [http],
    })
    expect(outcome.status).toBe("failed")
    const again = await replay(scheduled(main, { clock: realClock }), throughJson(journal))
    expect(summary(again)).toEqual(summary(outcome))
    expect((summary(again) as { traceback: string }).traceback).toContain('in task 4 "worker 2"')
  })

  it("lets no real time pass: a recorded sleep on the real clock replays at once", async () => {
    const napper = program(function* napper() {
      yield* sleep(400)
      return "rested"
    })
    const { journal } = await record(scheduled(napper, { clock: realClock }))
    const started = performance.now()
    const again = await replay(scheduled(napper, { clock: realClock }), throughJson(journal))
    expect(again).toMatchObject({ status: "done", value: "rested" })
    expect(performance.now() - started).toBeLessThan(400)
  })

  it("delivers the recorded values of JS promises (awaitExternal, awaitPromise, fromEffect)", async () => {
    let n = 0
    const next = () => Promise.resolve(++n)
    const main = program(function* main() {
      const a = yield* awaitPromise(next())
      const b = yield* fromEffect(EffectTS.promise(() => next()))
      const t = yield* spawn(
        program(function* child() {
          return yield* awaitPromise(next())
        }),
      )
      return [a, b, yield* gather(t)]
    })
    const bare = program(function* bare() {
      return yield* awaitExternal(next())
    })
    const recorded = await record(scheduled(main, { clock: realClock }))
    const recordedBare = await record(bare)
    expect(recorded.outcome).toMatchObject({ status: "done", value: [1, 2, [3]] })
    expect(recordedBare.outcome).toMatchObject({ status: "done", value: 4 })
    n = 100
    expect(
      await replay(scheduled(main, { clock: realClock }), throughJson(recorded.journal)),
    ).toMatchObject({ value: [1, 2, [3]] })
    expect(await replay(bare, throughJson(recordedBare.journal))).toMatchObject({ value: 4 })
  })

  it("rethrows a recorded promise rejection as an Error of the same name and message", async () => {
    const main = program(function* main() {
      return yield* awaitPromise(Promise.reject(new TypeError("socket closed")))
    })
    const { outcome, journal } = await record(scheduled(main, { clock: realClock }))
    const again = await replay(scheduled(main, { clock: realClock }), throughJson(journal))
    expect(summary(again)).toEqual(summary(outcome))
    expect((again as { error: Error }).error.name).toBe("TypeError")
  })

  it("reproduces the order in which promises settled across tasks", async () => {
    const order: number[] = []
    const waiter = fn(function* waiter(ms: number) {
      yield* awaitPromise(new Promise((resolve) => setTimeout(resolve, ms)))
      order.push(ms)
      return ms
    })
    const main = program(function* main() {
      const tasks = [yield* spawn(waiter(30)), yield* spawn(waiter(1)), yield* spawn(waiter(15))]
      yield* gather(...tasks)
      return order.slice()
    })
    const { outcome, journal } = await record(scheduled(main, { clock: realClock }))
    expect(outcome).toMatchObject({ value: [1, 15, 30] })
    order.length = 0
    expect(await replay(scheduled(main, { clock: realClock }), throughJson(journal))).toMatchObject(
      {
        value: [1, 15, 30],
      },
    )
  })
})

describe("outside handlers of every shape", () => {
  const db = storeHandler().db
  const saveTwice = program(function* saveTwice() {
    const a = yield* new Store("x", 2)
    const b = yield* new Store("y", 3)
    return a * 10 + b
  })

  it("a handler that passes to an outer one: both verdicts replay", async () => {
    const passer = handler(
      function passer() {
        return Pass()
      },
      { name: "passer" },
    )
    const { outcome, journal } = await record(saveTwice, { handlers: [db, passer] })
    expect(outcome).toMatchObject({ value: 25 })
    expect(journal.entries.map((e) => e.type === "answer" && `${e.handler}:${e.how}`)).toEqual([
      "1:pass",
      "0:value",
      "1:pass",
      "0:value",
    ])
    expect(await replay(saveTwice, throughJson(journal))).toMatchObject({ value: 25 })
  })

  it("a generator handler that transfers, delegates, or throws into the program", async () => {
    const gen = handler(
      function* gen(eff: Store, k) {
        if (eff.key === "x") return yield* Transfer(k, yield* Delegate())
        return yield* TransferThrow(k, new RangeError(`no key ${eff.key}`))
      },
      { handles: [Store], name: "gen" },
    )
    const safe = program(function* safe() {
      const a = yield* new Store("x", 2)
      try {
        yield* new Store("y", 3)
      } catch (e) {
        return `${a} then ${(e as Error).name}: ${(e as Error).message}`
      }
      return "unreachable"
    })
    const { outcome, journal } = await record(safe, { handlers: [storeHandler().db, gen] })
    expect(outcome).toMatchObject({ value: "2 then RangeError: no key y" })
    expect(await replay(safe, throughJson(journal))).toMatchObject({
      value: "2 then RangeError: no key y",
    })
  })

  it("a non-tail resume whose handler post-processes the program's result", async () => {
    const wrap = handler(
      function* wrap(eff: Store, k) {
        const result = yield* Resume(k, eff.value * 100)
        return `wrapped(${result})`
      },
      { handles: [Store], name: "wrap" },
    )
    const { outcome, journal } = await record(saveTwice, { handlers: [wrap] })
    expect(outcome).toMatchObject({ value: "wrapped(wrapped(2300))" })
    expect(journal.entries.map((e) => e.type)).toEqual(["answer", "answer", "return", "return"])
    expect(await replay(saveTwice, throughJson(journal))).toMatchObject({
      value: "wrapped(wrapped(2300))",
    })
  })

  it("a handler that aborts the run with a value", async () => {
    const stop = handler((_eff: Store) => "aborted", { handles: [Store], name: "stop" })
    const { journal } = await record(saveTwice, { handlers: [stop] })
    expect(await replay(saveTwice, throughJson(journal))).toMatchObject({ value: "aborted" })
  })

  it("a fast-path ResumeThrow", async () => {
    const refuse = handler((eff: Store, k) => ResumeThrow(k, new Error(`refused ${eff.key}`)), {
      handles: [Store],
      name: "refuse",
    })
    const { outcome, journal } = await record(saveTwice, { handlers: [refuse] })
    expect(summary(await replay(saveTwice, throughJson(journal)))).toEqual(summary(outcome))
  })

  it("an effect no handler answers fails the replay with the same UnhandledEffectError", async () => {
    const catchAll = handler(
      function catchAll() {
        return Pass()
      },
      { name: "catchAll" },
    )
    const { outcome, journal } = await record(saveTwice, { handlers: [catchAll] })
    expect(outcome.status).toBe("failed")
    expect(summary(await replay(saveTwice, throughJson(journal)))).toEqual(summary(outcome))
  })

  it("a handler that waits on a promise itself: its own wait is not journaled", async () => {
    const slow = handler(
      function* slow(eff: Fetch, k) {
        const body = yield* awaitExternal(Promise.resolve(`late ${eff.url}`))
        return yield* Transfer(k, body)
      },
      { handles: [Fetch], name: "slow" },
    )
    const { outcome, journal } = await record(fetchBoth, { handlers: [slow] })
    expect(outcome).toMatchObject({ value: "late /a + late /b" })
    expect(journal.entries.map((e) => e.type)).toEqual(["answer", "answer"])
    expect(await replay(fetchBoth, throughJson(journal))).toMatchObject({
      value: "late /a + late /b",
    })
  })
})
