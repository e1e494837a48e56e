import { program, run, UnhandledEffectError, untracked, withHandler } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { attempt, listen, tell, writer } from "../src/index.js"

describe("writer", () => {
  it("collects what was told, in order, readable after the run", () => {
    const main = program(function* main() {
      yield* tell("a")
      yield* tell("b")
      return "done"
    })
    const w = writer<string>()
    expect(run(withHandler(w, main))).toBe("done")
    expect(w.told).toEqual(["a", "b"])
  })

  it("gives each writer() its own output", () => {
    const main = program(function* main() {
      yield* tell(1)
    })
    const first = writer()
    const second = writer()
    run(withHandler(first, main))
    expect([first.told, second.told]).toEqual([[1], []])
  })
})

describe("listen", () => {
  it("gives [result, told] with only what its body told", () => {
    const body = program(function* body() {
      yield* tell("inside")
      return 7
    })
    const main = program(function* main() {
      yield* tell("before")
      const heard = yield* listen<number, string>(body)
      yield* tell("after")
      return heard
    })
    expect(run(withHandler(writer(), main))).toEqual([7, ["inside"]])
  })

  it("includes what nested listens heard, and the inner listen hears only its own", () => {
    const inner = program(function* inner() {
      yield* tell("inner")
      return "i"
    })
    const outer = program(function* outer() {
      yield* tell("outer 1")
      const heard = yield* listen(inner)
      yield* tell("outer 2")
      return heard
    })
    const main = program(function* main() {
      return yield* listen(outer)
    })
    expect(run(withHandler(writer(), main))).toEqual([
      ["i", ["inner"]],
      ["outer 1", "inner", "outer 2"],
    ])
  })

  it("passes every value on to the writer outside", () => {
    const body = program(function* body() {
      yield* tell("x")
    })
    const w = writer()
    run(withHandler(w, listen(body)))
    expect(w.told).toEqual(["x"])
  })

  it("keeps what a failing body told in the outer writer", () => {
    const failing = program(function* failing() {
      yield* tell("last words")
      throw new Error("boom")
    })
    const w = writer()
    const result = run(withHandler(w, attempt(listen(failing))))
    expect([result.ok, w.told]).toEqual([false, ["last words"]])
  })

  it("needs a Tell handler outside: without one, Tell is unhandled", () => {
    const body = program(function* body() {
      yield* tell("x")
    })
    expect(() => run(untracked(listen(body)))).toThrow(UnhandledEffectError)
  })

  it("is re-runnable: each run hears only its own tells", () => {
    const body = program(function* body() {
      yield* tell("once")
    })
    const heard = withHandler(writer(), listen(body))
    expect([run(heard)[1], run(heard)[1]]).toEqual([["once"], ["once"]])
  })
})
