// docs/semantics.md §10 task-local state: state(initial, { perTask: true, shared }) from @effvm/handlers,
// installed outside `scheduled`.

import { get, modify, put, state } from "@effvm/handlers"
import { gather, scheduled, sleep, spawn, VirtualClock, wait } from "@effvm/scheduler"
import { program, run, withHandler } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

describe("state(initial, { perTask: true })", () => {
  it("keeps a partition per task: a child's put does not change its parent's value", () => {
    const result = run(
      withHandler(
        state({ count: 0 }, { perTask: true }),
        scheduled(
          program(function* body() {
            const child = yield* spawn(
              program(function* child() {
                yield* put("count", 5)
                return yield* get<number>("count")
              }),
            )
            const childSaw = yield* wait(child)
            return { childSaw, parentSees: yield* get<number>("count") }
          }),
        ),
      ),
    )
    expect(result).toEqual({ childSaw: 5, parentSees: 0 })
  })

  it("copies the parent's partition at spawn, not later", () => {
    const result = run(
      scheduled(
        program(function* body() {
          yield* put("x", 1)
          const child = yield* spawn(
            program(function* child() {
              return yield* get<number>("x")
            }),
          )
          yield* put("x", 2) // after spawn, before the child has run
          return { child: yield* wait(child), parent: yield* get<number>("x") }
        }),
      ),
      { handlers: [state({ x: 0 }, { perTask: true })] },
    )
    expect(result).toEqual({ child: 1, parent: 2 })
  })

  it("takes shallow copies: an object value is shared by reference, its key is not", () => {
    const result = run(
      scheduled(
        program(function* body() {
          const child = yield* spawn(
            program(function* child() {
              const box = yield* get<{ n: number }>("box")
              box.n = 5
              yield* put("box", { n: 99 })
            }),
          )
          yield* wait(child)
          return yield* get<{ n: number }>("box")
        }),
      ),
      { handlers: [state({ box: { n: 1 } }, { perTask: true })] },
    )
    expect(result).toEqual({ n: 5 })
  })

  it("copies a grandchild's partition from its own parent", () => {
    const result = run(
      scheduled(
        program(function* body() {
          yield* put("level", "root")
          const child = yield* spawn(
            program(function* child() {
              yield* put("level", "child")
              const grandchild = yield* spawn(
                program(function* grandchild() {
                  return yield* get<string>("level")
                }),
              )
              return yield* wait(grandchild)
            }),
          )
          return yield* wait(child)
        }),
      ),
      { handlers: [state({ level: "none" }, { perTask: true })] },
    )
    expect(result).toBe("child")
  })

  it("keeps sibling partitions apart while they interleave", () => {
    const counter = program(function* counter() {
      for (let i = 0; i < 5; i++) {
        yield* modify<number>("n", (n) => n + 1)
        yield* sleep(1)
      }
      return yield* get<number>("n")
    })
    const result = run(
      scheduled(
        program(function* body() {
          const a = yield* spawn(counter)
          const b = yield* spawn(counter)
          return [...(yield* gather(a, b)), yield* get<number>("n")]
        }),
        { clock: new VirtualClock() },
      ),
      { handlers: [state({ n: 10 }, { perTask: true })] },
    )
    expect(result).toEqual([15, 15, 10])
  })

  it("shares the keys declared in `shared` across all tasks", () => {
    const result = run(
      scheduled(
        program(function* body() {
          const worker = program(function* worker() {
            yield* modify<number>("total", (t) => t + 1)
            yield* put("mine", 7)
            yield* sleep(1)
            return yield* get<number>("total")
          })
          const a = yield* spawn(worker)
          const b = yield* spawn(worker)
          const seen = yield* gather(a, b)
          return { seen, total: yield* get<number>("total"), mine: yield* get<number>("mine") }
        }),
        { clock: new VirtualClock() },
      ),
      { handlers: [state({ total: 0, mine: 0 }, { perTask: true, shared: ["total"] })] },
    )
    expect(result).toEqual({ seen: [2, 2], total: 2, mine: 0 })
  })
})
