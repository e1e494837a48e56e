// Readings of docs/semantics.md §3's closing rules that the differential test relies on, each shown on
// the smallest program the fuzzer led to. The reference interpreter encodes the same
// readings (reference.ts); docs/testing.md lists them.

import {
  Effect,
  handler,
  Pass,
  program,
  run,
  Transfer,
  withHandler,
  withHandlers,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Ask extends Effect<number> {}
class StopInner extends Effect<number> {}
class StopOuter extends Effect<number> {}

/** Aborts with `value` on every effect of class `C`. */
const abortOn = (C: typeof StopInner, value: string) =>
  handler(
    function abortHandler() {
      return value
    },
    { handles: [C], name: `abort ${C.name}` },
  )

describe("closing abandoned continuations", () => {
  it("an inner handler aborting inside a closing finally does not resume the frames being closed", () => {
    const log: string[] = []
    const body = program(function* body() {
      try {
        yield* new StopOuter()
      } finally {
        yield* new StopInner() // the inner handler is still installed around this finally
      }
      return "body returned"
    })
    const middle = program(function* middle() {
      const v = yield* withHandler(abortOn(StopInner, "inner abort"), body)
      log.push(`middle continued with ${v}`)
      return v
    })
    const result = run(withHandler(abortOn(StopOuter, "outer abort"), middle))
    expect(result).toBe("outer abort")
    expect(log).toEqual([])
  })

  it("an error a closing finally throws is dropped when an outer handler then abandons the whole withHandler", () => {
    const inner = program(function* inner() {
      try {
        yield* new StopInner()
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the point of the test
        throw new Error("thrown while the inner abort closes")
      }
    })
    const outer = program(function* outer() {
      try {
        yield* inner
      } finally {
        yield* new StopOuter() // the outer handler aborts the inner withHandler itself
      }
    })
    const app = withHandlers(
      [abortOn(StopOuter, "outer abort"), abortOn(StopInner, "inner abort")],
      outer,
    )
    expect(run(app)).toBe("outer abort")
  })

  it("an error a finally throws after the outer handler's abort began is that abort's outcome", () => {
    const inner = program(function* inner() {
      try {
        yield* new StopInner()
      } finally {
        yield* new StopOuter()
      }
    })
    const outer = program(function* outer() {
      try {
        yield* inner
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the point of the test
        throw new Error("thrown while the outer abort closes")
      }
    })
    const app = withHandlers(
      [abortOn(StopOuter, "outer abort"), abortOn(StopInner, "inner abort")],
      outer,
    )
    expect(() => run(app)).toThrow("thrown while the outer abort closes")
  })

  it("a handler frame closed while it still holds k closes k too", () => {
    const log: string[] = []
    const asksFirst = handler(
      function* asksFirst(_eff, k) {
        yield* new StopOuter() // the outer handler aborts this handler's frame
        return yield* Transfer(k, 1)
      },
      { handles: [Ask] },
    )
    const body = program(function* body() {
      try {
        return yield* new Ask()
      } finally {
        log.push("body finally")
      }
    })
    const result = run(withHandlers([abortOn(StopOuter, "outer abort"), asksFirst], body))
    expect(result).toBe("outer abort")
    expect(log).toEqual(["body finally"])
  })

  it("a handler's finally that throws after Transfer closes the body and the error leaves the withHandler", () => {
    const log: string[] = []
    const failingCleanup = handler(
      function* failingCleanup(_eff, k) {
        try {
          return yield* Transfer(k, 1)
        } finally {
          // biome-ignore lint/correctness/noUnsafeFinally: the point of the test
          throw new Error("handler cleanup failed")
        }
      },
      { handles: [Ask] },
    )
    const body = program(function* body() {
      try {
        yield* new Ask()
        log.push("body resumed")
      } catch {
        log.push("body caught")
      } finally {
        log.push("body finally")
      }
      return 0
    })
    expect(() => run(withHandler(failingCleanup, body))).toThrow("handler cleanup failed")
    expect(log).toEqual(["body finally"])
  })

  it("a handler's finally that throws after Pass throws at the perform site, and the outer handler is not asked", () => {
    const log: string[] = []
    const passer = handler(
      function* passer() {
        try {
          return yield* Pass()
        } finally {
          // biome-ignore lint/correctness/noUnsafeFinally: the point of the test
          throw new Error("passer cleanup failed")
        }
      },
      { handles: [Ask] },
    )
    const outer = handler(
      (_eff, k) => {
        log.push("outer asked")
        return Transfer(k, 5)
      },
      { handles: [Ask] },
    )
    const body = program(function* body() {
      try {
        return yield* new Ask()
      } catch (e) {
        log.push(`body caught ${(e as Error).message}`)
        return -1
      }
    })
    expect(run(withHandlers([outer, passer], body))).toBe(-1)
    expect(log).toEqual(["body caught passer cleanup failed"])
  })
})
