import { describe, expect, it } from "vitest"
import {
  type Continuation,
  createVM,
  Effect,
  fn,
  handler,
  Pass,
  Resume,
  ResumeThrow,
  run,
  Transfer,
  UnhandledEffectError,
  withHandler,
  withHandlers,
} from "../src/index.js"
import { machineSteps } from "../src/internal.js"

// A perform answered by a handler that resumes its own k may be answered without the
// performing generator suspending (docs/architecture.md, "Answering in place"). These tests
// pin that the outcome, the step count and every other path stay as in the stepped machine.

class Tick extends Effect<number> {}
class Other extends Effect<number> {}

const addTicks = fn(function* addTicks(n: number) {
  let total = 0
  for (let i = 0; i < n; i++) total += yield* new Tick()
  return total
})

/** The machine's step count at the end of the run, read by a last perform. */
class Steps extends Effect<number> {}
const countSteps = handler((_eff: Steps, k) => Resume(k, machineSteps(k)), { handles: [Steps] })
const stepsAfter = fn(function* stepsAfter(n: number) {
  yield* addTicks(n)
  return yield* new Steps()
})

describe("performs answered in place", () => {
  it("counts the same steps as a machine stepped one step at a time", () => {
    const ticks = handler((_eff: Tick, k) => Resume(k, 1), { handles: [Tick] })
    const body = () => withHandlers([countSteps, ticks], stepsAfter(50))
    const inPlace = run(body())
    const vm = createVM(body())
    while (vm.step() === "continue") {}
    expect(vm.status).toBe("done")
    expect(vm.result).toBe(inPlace)
  })

  it("keeps runFor(n) to at most n steps", () => {
    const ticks = handler((_eff: Tick, k) => Resume(k, 1), { handles: [Tick] })
    const stepped = createVM(withHandlers([countSteps, ticks], stepsAfter(50)))
    let calls = 0
    while (stepped.runFor(7) === "yield") calls++
    const one = createVM(withHandlers([countSteps, ticks], stepsAfter(50)))
    let steps = 0
    while (one.step() === "continue") steps++
    expect(calls).toBe(Math.floor((steps + 1) / 7))
    expect(stepped.result).toBe(one.result)
  })

  it("follows a chain of handlers that Pass() to the one that answers", () => {
    const declining = (name: string) => handler(() => Pass(), { name })
    const answering = handler((_eff: Tick, k) => Resume(k, 2), { handles: [Tick] })
    const program = withHandlers(
      [answering, declining("a"), declining("b"), declining("c")],
      addTicks(10),
    )
    expect(run(program)).toBe(20)
  })

  it("raises UnhandledEffectError at the perform site when every handler passes", () => {
    const declining = handler(() => Pass(), { name: "declining" })
    const program = fn(function* caught() {
      try {
        return yield* new Tick()
      } catch (error) {
        return error instanceof UnhandledEffectError ? "unhandled" : "other"
      }
    })
    expect(run(withHandler(declining, program()))).toBe("unhandled")
  })

  it("throws a handler's error at the perform site", () => {
    const failing = handler(
      (_eff: Tick): never => {
        throw new Error("no ticks today")
      },
      { handles: [Tick] },
    )
    const program = fn(function* caught() {
      try {
        return yield* new Tick()
      } catch (error) {
        return (error as Error).message
      }
    })
    expect(run(withHandler(failing, program()))).toBe("no ticks today")
  })

  it("throws a ResumeThrow's error at the perform site", () => {
    const refusing = handler((_eff: Tick, k) => ResumeThrow(k, new Error("refused")), {
      handles: [Tick],
    })
    const program = fn(function* caught() {
      try {
        return yield* new Tick()
      } catch (error) {
        return (error as Error).message
      }
    })
    expect(run(withHandler(refusing, program()))).toBe("refused")
  })

  it("aborts the body when a fast-path handler returns a value", () => {
    const aborting = handler(() => "aborted", { handles: [Tick] })
    expect(run(withHandler(aborting, addTicks(3)))).toBe("aborted")
  })

  it("post-processes the body's value after a generator handler's non-tail Resume", () => {
    const doubling = handler(
      function* doubling(_eff: Tick, k: Continuation<number, number>) {
        const rest = yield* Resume(k, 1)
        return rest * 2
      },
      { handles: [Tick] },
    )
    // Each of the 3 ticks doubles what the rest of the body returns: ((3) * 2 * 2 * 2).
    expect(run(withHandler(doubling, addTicks(3)))).toBe(24)
  })

  it("runs a generator handler's finally once when its Transfer ends it", () => {
    let closed = 0
    const transferring = handler(
      function* transferring(_eff: Tick, k) {
        try {
          return yield* Transfer(k, 1)
        } finally {
          closed++
        }
      },
      { handles: [Tick] },
    )
    expect(run(withHandler(transferring, addTicks(4)))).toBe(4)
    expect(closed).toBe(4)
  })

  it("lets a Transfer-ending handler's finally perform an effect to the handlers outside", () => {
    const seen: number[] = []
    const outer = handler((_eff: Other, k) => Resume(k, 7), { handles: [Other] })
    const transferring = handler(
      function* transferring(_eff: Tick, k) {
        try {
          return yield* Transfer(k, 1)
        } finally {
          seen.push(yield* new Other())
        }
      },
      { handles: [Tick] },
    )
    expect(run(withHandlers([outer, transferring], addTicks(2)))).toBe(2)
    expect(seen).toEqual([7, 7])
  })

  it("sends a generator handler's own effects to the handlers outside it", () => {
    const outer = handler((_eff: Other, k) => Resume(k, 10), { handles: [Other] })
    const asking = handler(
      function* asking(_eff: Tick, k) {
        const answer = yield* new Other()
        return yield* Transfer(k, answer)
      },
      { handles: [Tick] },
    )
    expect(run(withHandlers([outer, asking], addTicks(3)))).toBe(30)
  })
})
