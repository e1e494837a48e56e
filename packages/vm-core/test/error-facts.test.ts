// What an error carries (docs/architecture.md, "What an error carries"): one record,
// invisible on the error; only `suppressed` and the shown traceback's hooks are properties.
import { describe, expect, it } from "vitest"
import { addSuppressed } from "../src/errors/facts.js"
import {
  fn,
  GetExecutionContext,
  getExecutionContext,
  getTraceback,
  handler,
  Pass,
  program,
  run,
  Transfer,
  withHandler,
} from "../src/index.js"

const tagging = handler(function* tags(eff, k) {
  if (!(eff instanceof GetExecutionContext)) return yield* Pass()
  eff.context.add({ kind: "tag" })
  return yield* Transfer(k, eff.context)
})

/** Runs a program that throws `error` in a sub-program and catches it; returns the error. */
function caughtInside(error: Error): unknown {
  const fails = fn(function* fails() {
    throw error
  })
  const catches = program(function* catches() {
    try {
      return yield* fails()
    } catch (e) {
      return e
    }
  })
  return run(withHandler(tagging, catches))
}

describe("an error's facts", () => {
  it("are kept without a property of their own: an enriched error has only its own keys", () => {
    const error = caughtInside(new Error("quiet")) as Error

    expect(getExecutionContext(error)?.entries).toEqual([{ kind: "tag" }])
    expect(getTraceback(error)!.sections[0]!.frames.map((f) => f.call)).toEqual([
      "catches()",
      "fails()",
    ])
    expect(Reflect.ownKeys(error)).toEqual(Reflect.ownKeys(new Error("quiet")))
  })

  it("are kept on a frozen error too: its context and origin are there", () => {
    const error = caughtInside(Object.freeze(new Error("frozen")))

    expect(getExecutionContext(error)?.entries).toEqual([{ kind: "tag" }])
    expect(getTraceback(error)!.sections[0]!.frames.at(-1)!.call).toBe("fails()")
  })
})

describe("addSuppressed", () => {
  it("keeps each suppressed error once, on an error.suppressed that is not enumerable", () => {
    const primary = new Error("primary")
    const first = new Error("first")

    expect(addSuppressed(primary, first)).toBe(true)
    expect(addSuppressed(primary, first)).toBe(true)
    expect(addSuppressed(primary, "second")).toBe(true)

    expect((primary as { suppressed?: unknown }).suppressed).toEqual([first, "second"])
    expect(Object.keys(primary)).not.toContain("suppressed")
  })

  it("adds to an array the error already has as its own suppressed", () => {
    const mine: unknown[] = ["earlier"]
    const primary = Object.assign(new Error("primary"), { suppressed: mine })

    expect(addSuppressed(primary, "later")).toBe(true)
    expect(mine).toEqual(["earlier", "later"])
  })

  it("refuses what cannot carry it: a thrown value, a frozen error, a suppressed of another shape", () => {
    const other = Object.assign(new Error("other"), { suppressed: "not a list" })

    expect(addSuppressed("thrown string", new Error("x"))).toBe(false)
    expect(addSuppressed(Object.freeze(new Error("frozen")), new Error("x"))).toBe(false)
    expect(addSuppressed(other, new Error("x"))).toBe(false)
    expect(other.suppressed).toBe("not a list")
  })

  it("never lists an error as suppressed by itself", () => {
    const primary = new Error("primary")

    expect(addSuppressed(primary, primary)).toBe(true)
    expect((primary as { suppressed?: unknown }).suppressed).toBeUndefined()
  })
})
