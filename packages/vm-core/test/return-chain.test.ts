import { describe, expect, it } from "vitest"
import {
  type Continuation,
  ContinuationError,
  Control,
  createVM,
  Effect,
  fn,
  handler,
  Resume,
  run,
  Transfer,
  withHandler,
  withHandlers,
} from "../src/index.js"
import { machineSteps } from "../src/internal.js"

// Non-tail resumptions (docs/architecture.md, "Answering in place"): a generator handler
// whose first segment resumes its own k waits below k in a handler frame, and the body's
// value later returns through a chain of such frames (the C7 benchmark's shape). These tests
// pin what any faster way of taking those steps must keep: outcomes, step counts and step
// limits as in a machine stepped one step at a time, one-shot continuations, and the control
// values a generator driving a handler's generator by hand sees.

class Op extends Effect<void> {
  constructor(readonly x: number) {
    super()
  }
}
class Other extends Effect<number> {}

const countdown = fn(function* countdown(n: number, initial: number) {
  for (let i = n; i > 0; i--) yield* new Op(i)
  return initial
})

// Each handler appends its digit to what the rest of the body returned.
const appending = handler(
  function* appending(eff: Op, k: Continuation<void, number>) {
    const rest = yield* Resume(k, undefined)
    return rest * 10 + eff.x
  },
  { handles: [Op] },
)

/** The machine's step count at the end of the run, read by a last perform. */
class Steps extends Effect<number> {}
const countSteps = handler((_eff: Steps, k) => Resume(k, machineSteps(k)), { handles: [Steps] })
const stepsAfter = fn(function* stepsAfter(n: number) {
  const value = yield* withHandler(appending, countdown(n, 0))
  return [value, yield* new Steps()]
})

describe("a value returning through a chain of handler frames", () => {
  it("gives each waiting handler the rest of the body's value, innermost first", () => {
    expect(run(withHandler(appending, countdown(4, 0)))).toBe(1234)
  })

  it("counts the same steps as a machine stepped one step at a time", () => {
    const inPlace = run(withHandler(countSteps, stepsAfter(6)))
    const vm = createVM(withHandler(countSteps, stepsAfter(6)))
    while (vm.step() === "continue") {}
    expect(vm.status).toBe("done")
    expect(vm.result).toEqual(inPlace)
  })

  it("keeps runFor(n) to at most n steps for every n", () => {
    const one = createVM(withHandler(appending, countdown(5, 0)))
    while (one.step() === "continue") {}
    for (let n = 2; n <= 9; n++) {
      const vm = createVM(withHandler(appending, countdown(5, 0)))
      let before = 0
      while (vm.runFor(n) === "yield") {
        expect(vm.steps - before).toBe(n)
        before = vm.steps
      }
      expect(vm.steps - before).toBeLessThanOrEqual(n)
      expect(vm.steps).toBe(one.steps)
      expect(vm.result).toBe(12345)
    }
  })

  it("aborts with a handler's value when a sub-program returns to a handler that kept k", () => {
    let closed = 0
    const body = fn(function* body() {
      try {
        yield* new Op(1)
        return "body"
      } finally {
        closed++
      }
    })
    const half = fn(function* half(x: number) {
      return x / 2
    })
    const aborting = handler(
      function* aborting(eff: Op, _k) {
        return `aborted with ${yield* half(eff.x * 8)}`
      },
      { handles: [Op] },
    )
    expect(run(withHandler(aborting, body()))).toBe("aborted with 4")
    expect(closed).toBe(1)
  })

  it("lets a waiting handler perform to the handlers outside it when the value reaches it", () => {
    const outer = handler((_eff: Other, k) => Resume(k, 5), { handles: [Other] })
    const adding = handler(
      function* adding(_eff: Op, k: Continuation<void, number>) {
        const rest = yield* Resume(k, undefined)
        return rest + (yield* new Other())
      },
      { handles: [Op] },
    )
    expect(run(withHandlers([outer, adding], countdown(3, 1)))).toBe(16)
  })
})

describe("a generator handler's first segment run in place", () => {
  it("shows a generator that drives the handler's generator itself the control values", () => {
    const seen: string[] = []
    function* inner(eff: Op, k: Continuation<void, number>) {
      const rest = yield* Resume(k, undefined)
      return rest * 10 + eff.x
    }
    // A wrapper (as the durable package's journal is) steps the inner generator by hand.
    const wrapping = handler(
      function* wrapping(eff: Op, k: Continuation<void, number>) {
        const gen = inner(eff, k)
        let r = gen.next()
        while (!r.done) {
          seen.push((r.value as unknown) instanceof Control ? "control" : "other")
          r = gen.next(yield r.value as never)
        }
        return r.value
      },
      { handles: [Op] },
    )
    expect(run(withHandler(wrapping, countdown(3, 0)))).toBe(123)
    expect(seen).toEqual(["control", "control", "control"])
  })

  it("runs a helper generator's finally once when the Transfer is yielded inside it", () => {
    let closed = 0
    function* transferVia(k: Continuation<unknown>, value: number) {
      try {
        return yield* Transfer(k, value)
      } finally {
        closed++
      }
    }
    const ticks = handler(
      function* ticks(eff: Op, k) {
        return yield* transferVia(k, eff.x)
      },
      { handles: [Op] },
    )
    const body = fn(function* body() {
      yield* new Op(1)
      yield* new Op(2)
      return "done"
    })
    expect(run(withHandler(ticks, body()))).toBe("done")
    expect(closed).toBe(2)
  })

  it("raises ContinuationError for a continuation an earlier dispatch already used", () => {
    let first: Continuation<unknown> | null = null
    const keeping = handler(
      function* keeping(_eff: Op, k) {
        if (first === null) {
          first = k
          return yield* Transfer(k, undefined)
        }
        try {
          return yield* Transfer(first, undefined)
        } catch (error) {
          return error instanceof ContinuationError ? "stale" : "other"
        }
      },
      { handles: [Op] },
    )
    expect(run(withHandler(keeping, countdown(2, 0)))).toBe("stale")
  })

  it("is still taken after a run nested in the same segment used its own handlers", () => {
    const nesting = handler(
      function* nesting(eff: Op, k: Continuation<void, number>) {
        const inner = run(withHandler(appending, countdown(eff.x, 0)))
        const rest = yield* Resume(k, undefined)
        return rest + inner
      },
      { handles: [Op] },
    )
    // Ops 3, 2, 1: the nested runs give 123, 12 and 1.
    expect(run(withHandler(nesting, countdown(3, 0)))).toBe(136)
  })

  it("answers a waiting handler's own effect through a generator handler outside it", () => {
    const outer = handler(
      function* outer(_eff: Other, k: Continuation<number, unknown>) {
        return yield* Transfer(k, 40)
      },
      { handles: [Other] },
    )
    const inner = handler(
      function* inner(_eff: Op, k: Continuation<void, number>) {
        const rest = yield* Resume(k, undefined)
        return rest + (yield* new Other())
      },
      { handles: [Op] },
    )
    expect(run(withHandlers([outer, inner], countdown(2, 2)))).toBe(82)
  })
})
