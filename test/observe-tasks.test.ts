import { Ask, ask, reader } from "@effvm/handlers"
import { gather, scheduled, sleep, spawn, VirtualClock } from "@effvm/scheduler"
import {
  type Effect,
  Effect as EffectBase,
  handler,
  observe,
  program,
  run,
  Transfer,
  withHandler,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

const worker = (name: string) =>
  program(function* worker() {
    yield* sleep(5)
    return yield* ask<string>(name)
  })

function kinds(seen: Effect<unknown>[]): string[] {
  return seen.map((e) => (e instanceof Ask ? `Ask(${String(e.key)})` : e.constructor.name))
}

describe("observe across tasks", () => {
  it("sees the effects of tasks spawned inside the observed program (observer inside scheduled)", () => {
    const seen: Effect<unknown>[] = []
    const result = run(
      withHandler(
        reader({ a: 1, b: 2 }),
        scheduled(
          observe(
            (e) => seen.push(e),
            program(function* main() {
              const t = yield* spawn(worker("a"))
              return yield* gather(t, worker("b"))
            }),
          ),
          { clock: new VirtualClock() },
        ),
      ),
    )
    expect(result).toEqual([1, 2])
    const shown = kinds(seen)
    expect(shown.filter((k) => k.startsWith("Ask"))).toEqual(["Ask(a)", "Ask(b)"])
    expect(shown.filter((k) => k === "Sleep")).toHaveLength(2)
  })

  it("sees the effects of every task when the observer is outside scheduled", () => {
    const seen: Effect<unknown>[] = []
    run(
      withHandler(
        reader({ a: 1 }),
        observe(
          (e) => seen.push(e),
          scheduled(
            program(function* main() {
              yield* gather(worker("a"), worker("a"))
            }),
            { clock: new VirtualClock() },
          ),
        ),
      ),
    )
    expect(kinds(seen).filter((k) => k === "Ask(a)")).toHaveLength(2)
  })

  it("does not show the scheduler's internal effects", () => {
    const seen: Effect<unknown>[] = []
    run(
      observe(
        (e) => seen.push(e),
        scheduled(
          program(function* main() {
            yield* spawn(program(function* child() {}))
            yield* sleep(1)
          }),
          { clock: new VirtualClock() },
        ),
      ),
    )
    expect(kinds(seen).sort()).toEqual(["Sleep", "Spawn"])
  })
})

class WhereFrom extends EffectBase<string[]> {}

describe("k.frames and k.handlers in a task", () => {
  it("list the task's frames and every handler in scope, the scheduler included", () => {
    let frames: string[] = []
    const locator = handler(
      (_eff: WhereFrom, k) => {
        frames = k.frames.map((f) => f.name)
        return Transfer(k, k.handlers)
      },
      { handles: [WhereFrom], name: "locator" },
    )
    const asker = program(function* asker() {
      return yield* new WhereFrom()
    })
    const handlers = run(
      withHandler(
        locator,
        scheduled(
          program(function* main() {
            const [names] = yield* gather(asker)
            return names
          }),
          { clock: new VirtualClock() },
        ),
      ),
    )
    expect(frames).toEqual(["asker"])
    expect(handlers).toEqual(["scheduler", "locator"])
  })
})
