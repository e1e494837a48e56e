import { fn, program, run, withHandler, withHandlers } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { attempt, get, MissingKeyError, modify, put, state } from "../src/index.js"

const increment = program(function* increment() {
  return yield* modify<number>("n", (n) => n + 1)
})

describe("state", () => {
  it("answers Get with the initial value", () => {
    const main = program(function* main() {
      return yield* get<number>("n")
    })
    expect(run(withHandler(state({ n: 41 }), main))).toBe(41)
  })

  it("answers Get with what Put wrote", () => {
    const main = program(function* main() {
      yield* put("name", "ada")
      return yield* get<string>("name")
    })
    expect(run(withHandler(state(), main))).toBe("ada")
  })

  it("answers Modify with the new value", () => {
    const main = program(function* main() {
      const next = yield* modify<number>("n", (n) => n * 2)
      return [next, yield* get<number>("n")]
    })
    expect(run(withHandler(state({ n: 21 }), main))).toEqual([42, 42])
  })

  it("keeps the old value when Modify's function throws, and throws at the perform site", () => {
    const main = program(function* main() {
      try {
        yield* modify<number>("n", () => {
          throw new Error("bad update")
        })
      } catch (error) {
        return [(error as Error).message, yield* get<number>("n")]
      }
      return "not reached"
    })
    expect(run(withHandler(state({ n: 1 }), main))).toEqual(["bad update", 1])
  })

  it("keeps a Put when a later failure inside attempt unwinds past it (no rollback)", () => {
    const writeThenFail = program(function* writeThenFail() {
      yield* put("n", 99)
      throw new Error("after the write")
    })
    const main = program(function* main() {
      const result = yield* attempt(writeThenFail)
      return [result.ok, yield* get<number>("n")]
    })
    expect(run(withHandler(state({ n: 0 }), main))).toEqual([false, 99])
  })

  it("raises MissingKeyError naming the key on Get of a key it does not hold", () => {
    const main = program(function* main() {
      return yield* get("count")
    })
    let error: unknown
    try {
      run(withHandler(state({ n: 0 }), main))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(MissingKeyError)
    expect((error as MissingKeyError).key).toBe("count")
    expect((error as Error).message).toContain('Get("count")')
    expect((error as Error).message).toContain('put("count", value)')
  })

  it("raises MissingKeyError on Modify of a key it does not hold", () => {
    expect(() => run(withHandler(state(), increment))).toThrow(MissingKeyError)
  })

  it("lets an inner state handler read keys it lacks from the outer one", () => {
    const main = program(function* main() {
      return [
        yield* get("outer"),
        yield* modify<number>("outer", (n) => n + 1),
        yield* get("inner"),
      ]
    })
    const outer = state({ outer: 1 })
    const inner = state({ inner: 2 })
    expect(run(withHandlers([outer, inner], main))).toEqual([1, 2, 2])
    expect(outer.store.get("outer")).toBe(2)
  })

  it("writes a Put to the nearest state handler", () => {
    const main = program(function* main() {
      yield* put("k", "new")
    })
    const outer = state({ k: "old" })
    const inner = state()
    run(withHandlers([outer, inner], main))
    expect([outer.store.get("k"), inner.store.get("k")]).toEqual(["old", "new"])
  })

  it("leaves its store readable after the run, through store and snapshot()", () => {
    const s = state({ n: 0 })
    run(withHandler(s, increment))
    expect(s.store.get("n")).toBe(1)
    expect(s.snapshot()).toEqual({ n: 1 })
  })

  it("never shares state between two runs that each make their own handler", () => {
    const initial = { n: 0 }
    const first = run(withHandler(state(initial), increment))
    const second = run(withHandler(state(initial), increment))
    expect([first, second, initial.n]).toEqual([1, 1, 0])
  })

  it("shares state between two runs given the same Map store", () => {
    const store = new Map<string, unknown>([["n", 0]])
    run(withHandler(state(store), increment))
    run(withHandler(state(store), increment))
    expect(store.get("n")).toBe(2)
  })

  it("shares its store between runs of a program that holds the same handler value", () => {
    const app = withHandler(state({ n: 0 }), increment)
    expect([run(app), run(app)]).toEqual([1, 2])
  })

  it("gives each run a fresh store when the program is built per run", () => {
    const app = () => withHandler(state({ n: 0 }), increment)
    expect([run(app()), run(app())]).toEqual([1, 1])
  })

  it("keeps its value across sub-program frames", () => {
    const bump = fn(function* bump(by: number) {
      return yield* modify<number>("n", (n) => n + by)
    })
    const main = program(function* main() {
      yield* bump(1)
      yield* bump(2)
      return yield* get<number>("n")
    })
    expect(run(withHandler(state({ n: 0 }), main))).toBe(3)
  })
})
