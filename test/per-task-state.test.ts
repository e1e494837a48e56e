import { get, MissingKeyError, modify, put, state } from "@effvm/handlers"
import { gather, scheduled, sleep, spawn, VirtualClock, wait } from "@effvm/scheduler"
import { program, run, withHandler } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

const runScheduled = <T>(
  handlerDef: ReturnType<typeof state>,
  body: ReturnType<typeof program<T>>,
) => run(withHandler(handlerDef, scheduled(body, { clock: new VirtualClock() })))

describe("state(initial, { perTask: true })", () => {
  it("two tasks write the same key without seeing each other, and both see a shared key", () => {
    const s = state({ count: 0, total: 0 }, { perTask: true, shared: ["total"] })
    const worker = (name: string, times: number) =>
      program(function* worker() {
        for (let i = 0; i < times; i++) {
          yield* modify<number>("count", (n) => n + 1)
          yield* modify<number>("total", (n) => n + 1)
          yield* sleep(1) // interleave with the other task
        }
        return `${name}: count ${yield* get<number>("count")}, total ${yield* get<number>("total")}`
      })
    const main = program(function* main() {
      return yield* gather(worker("a", 3), worker("b", 5))
    })

    const [a, b] = runScheduled(s, main)

    expect(a).toBe("a: count 3, total 6") // b's first three increments had landed by then
    expect(b).toBe("b: count 5, total 8")
    expect(s.store.get("total")).toBe(8)
    expect(s.store.get("count")).toBe(0) // the outside partition never changed
  })

  it("a child starts from a shallow copy of its parent's partition taken at the spawn", () => {
    const s = state({ mode: "idle" }, { perTask: true })
    const child = program(function* child() {
      const seen = yield* get<string>("mode")
      yield* put("mode", "child's own")
      return seen
    })
    const main = program(function* main() {
      yield* put("mode", "before spawn")
      const t = yield* spawn(child)
      yield* put("mode", "after spawn")
      const seenByChild = yield* wait(t)
      return [seenByChild, yield* get<string>("mode")]
    })

    expect(runScheduled(s, main)).toEqual(["before spawn", "after spawn"])
  })

  it("the copy is shallow: an object value is shared by reference", () => {
    const s = state({ config: { level: 1 } }, { perTask: true })
    const child = program(function* child() {
      ;(yield* get<{ level: number }>("config")).level = 2
    })
    const main = program(function* main() {
      yield* wait(yield* spawn(child))
      return (yield* get<{ level: number }>("config")).level
    })
    expect(runScheduled(s, main)).toBe(2)
  })

  it("grandchildren inherit their parent's partition, not the root's", () => {
    const s = state({ depth: 0 }, { perTask: true })
    const grandchild = program(function* grandchild() {
      return yield* get<number>("depth")
    })
    const child = program(function* child() {
      yield* put("depth", 1)
      return yield* wait(yield* spawn(grandchild))
    })
    const main = program(function* main() {
      return [yield* wait(yield* spawn(child)), yield* get<number>("depth")]
    })
    expect(runScheduled(s, main)).toEqual([1, 0])
  })

  it("the root task starts from the values written outside the scheduler", () => {
    const s = state({ n: 1 }, { perTask: true })
    const main = program(function* main() {
      return yield* get<number>("n")
    })
    const outer = program(function* outer() {
      yield* put("n", 7)
      return yield* scheduled(main, { clock: new VirtualClock() })
    })
    expect(run(withHandler(s, outer))).toBe(7)
  })

  it("without a scheduler it is plain keyed state", () => {
    const s = state({ n: 1 }, { perTask: true })
    const main = program(function* main() {
      yield* modify<number>("n", (n) => n + 1)
      return yield* get<number>("n")
    })
    expect(run(withHandler(s, main))).toBe(2)
    expect(s.snapshot()).toEqual({ n: 2 })
  })

  it("a key no partition holds is a MissingKeyError at the perform site", () => {
    const s = state({}, { perTask: true })
    const main = program(function* main() {
      const t = yield* spawn(
        program(function* reader() {
          try {
            return yield* get("nothing")
          } catch (error) {
            return error
          }
        }),
      )
      return yield* wait(t)
    })
    expect(runScheduled(s, main)).toBeInstanceOf(MissingKeyError)
  })

  it("bad options are TypeErrors", () => {
    expect(() => state({}, { perTask: "yes" as never })).toThrow(TypeError)
    expect(() => state({}, { shared: ["total"] })).toThrow("perTask: true")
    expect(() => state({}, { perTask: true, shared: "total" as never })).toThrow(TypeError)
  })
})
