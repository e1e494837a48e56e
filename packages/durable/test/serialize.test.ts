import { handler, program, Transfer } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { record, replay } from "../src/index.js"
import { decode, encode } from "../src/journal/index.js"
import { Fetch, throughJson } from "./helpers.js"

function roundTrip(value: unknown): unknown {
  return decode(JSON.parse(JSON.stringify(encode(value, "a test value"))))
}

describe("values crossing a journal", () => {
  it("JSON data comes back equal", () => {
    const data = { a: [1, "two", true, null, { deep: [3.5] }], "": 0 }
    expect(roundTrip(data)).toEqual(data)
  })

  it("undefined, bigint, NaN, infinities and -0 keep their type", () => {
    const back = roundTrip([
      undefined,
      12345678901234567890n,
      Number.NaN,
      Infinity,
      -Infinity,
      -0,
    ]) as unknown[]
    expect(back[0]).toBeUndefined()
    expect(back).toHaveLength(6)
    expect(back[1]).toBe(12345678901234567890n)
    expect(back[2]).toBeNaN()
    expect(back[3]).toBe(Infinity)
    expect(back[4]).toBe(-Infinity)
    expect(Object.is(back[5], -0)).toBe(true)
  })

  it("an object's undefined field stays present", () => {
    expect(Object.keys(roundTrip({ gone: undefined }) as object)).toEqual(["gone"])
  })

  it("Date, Map, Set and Uint8Array come back as themselves", () => {
    const date = new Date("2024-02-29T12:00:00Z")
    const back = roundTrip({
      date,
      map: new Map<unknown, unknown>([
        ["k", 1n],
        [2, new Set([date])],
      ]),
      bytes: new Uint8Array([0, 1, 254, 255]),
    }) as { date: Date; map: Map<unknown, unknown>; bytes: Uint8Array }
    expect(back.date).toBeInstanceOf(Date)
    expect(back.date.getTime()).toBe(date.getTime())
    expect(back.map).toBeInstanceOf(Map)
    expect(back.map.get("k")).toBe(1n)
    expect([...(back.map.get(2) as Set<Date>)][0]!.getTime()).toBe(date.getTime())
    expect(back.bytes).toBeInstanceOf(Uint8Array)
    expect([...back.bytes]).toEqual([0, 1, 254, 255])
  })

  it("a plain object with a $ key of its own is not mistaken for a tagged value", () => {
    const data = { $: "date", v: 0 }
    expect(roundTrip(data)).toEqual(data)
  })

  it("errors keep class name, message, stack, cause chain and own fields, as Error objects", () => {
    class DbError extends Error {
      override name = "DbError"
      readonly code = "E42"
    }
    const root = new RangeError("disk full")
    const error = new DbError("write failed", { cause: root })
    const back = roundTrip(error) as Error & { code: string; cause: Error }
    expect(back).toBeInstanceOf(Error)
    expect(back.name).toBe("DbError")
    expect(back.message).toBe("write failed")
    expect(back.stack).toBe(error.stack)
    expect(back.code).toBe("E42")
    expect(back.cause).toBeInstanceOf(Error)
    expect(back.cause.name).toBe("RangeError")
    expect(back.cause.message).toBe("disk full")
  })

  it("an AggregateError keeps its errors", () => {
    const back = roundTrip(
      new AggregateError([new Error("a"), new TypeError("b")], "both"),
    ) as AggregateError
    expect(back).toBeInstanceOf(AggregateError)
    expect(back.errors.map((e: Error) => `${e.name}:${e.message}`)).toEqual([
      "Error:a",
      "TypeError:b",
    ])
  })

  it("an error's own field that cannot cross is kept as its description", () => {
    const error = Object.assign(new Error("x"), { handle: () => 1 })
    expect((roundTrip(error) as { handle: unknown }).handle).toBe("[function handle]")
  })

  it.each([
    ["a function", { cb: function callback() {} }, "at cb is a function"],
    ["a symbol", { s: Symbol("x") }, "at s is a symbol"],
    ["a class instance", { when: new (class Clock {})() }, "at when is an instance of Clock"],
    [
      "a nested class instance",
      { list: [1, new URL("https://x.org")] },
      "at list[1] is an instance of URL",
    ],
    ["a Map value", { m: new Map([["k", () => 0]]) }, 'at m.get("k") is a function'],
  ])("%s fails with a TypeError naming the path", (_what, value, message) => {
    expect(() => encode(value, "the answer")).toThrow(TypeError)
    expect(() => encode(value, "the answer")).toThrow(message)
  })

  it("a cycle fails with a TypeError", () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => encode(cyclic, "the answer")).toThrow("at self is a cycle")
  })

  it("a shared (not cyclic) object is fine", () => {
    const shared = { n: 1 }
    expect(roundTrip([shared, shared])).toEqual([{ n: 1 }, { n: 1 }])
  })
})

describe("record with a value that cannot cross", () => {
  it("fails the run with a TypeError naming the effect and the field", async () => {
    const leaky = handler((_eff: Fetch, k) => Transfer(k, { user: { save: () => {} } }), {
      handles: [Fetch],
      name: "leaky",
    })
    const main = program(function* main() {
      return yield* new Fetch("/user/1")
    })
    const { outcome } = await record(main, { handlers: [leaky] })
    expect(outcome.status).toBe("failed")
    const error = (outcome as { error: Error }).error
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toContain('the answer of outside handler leaky to Fetch("/user/1")')
    expect(error.message).toContain("at user.save is a function")
  })

  it("a value of every supported type replays to the same type", async () => {
    const value = {
      n: 10n,
      at: new Date(5),
      tags: new Set(["a"]),
      m: new Map([[1, undefined]]),
      raw: new Uint8Array([7]),
    }
    const rich = handler((_eff: Fetch, k) => Transfer(k, value), { handles: [Fetch], name: "rich" })
    const main = program(function* main() {
      return yield* new Fetch("/rich")
    })
    const { journal } = await record(main, { handlers: [rich] })
    const again = await replay(main, throughJson(journal))
    expect(again).toMatchObject({ status: "done" })
    expect((again as { value: unknown }).value).toEqual(value)
  })
})

describe("a promise value that cannot cross", () => {
  it("is thrown into the waiting task as a TypeError naming the task and the field", async () => {
    const { awaitPromise, realClock, scheduled } = await import("@effvm/scheduler")
    const main = program(function* main() {
      return yield* awaitPromise(Promise.resolve({ conn: new (class Socket {})() }))
    })
    const { outcome } = await record(scheduled(main, { clock: realClock }))
    const error = (outcome as { error: Error }).error
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toContain("the value of the JS promise awaited by task 1")
    expect(error.message).toContain("at conn is an instance of Socket")
  })

  it("without a scheduler, is thrown where the machine waited", async () => {
    const { awaitExternal } = await import("@effvm/vm-core")
    const main = program(function* main() {
      return yield* awaitExternal(Promise.resolve(() => 1))
    })
    const { outcome } = await record(main)
    expect((outcome as { error: Error }).error.message).toContain(
      "Cannot journal the value of an awaited JS promise: the value is a function",
    )
  })
})
