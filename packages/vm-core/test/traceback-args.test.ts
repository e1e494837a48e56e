// A program frame keeps a single argument without its array (W3, docs/performance.md):
// tracebacks must still show every call's arguments exactly as they were passed.
import { describe, expect, it } from "vitest"
import { fn, getTraceback, run } from "../src/index.js"

function callsOf(f: () => unknown): string[] {
  try {
    f()
  } catch (error) {
    return (
      getTraceback(error)
        ?.sections.at(-1)
        ?.frames.map((frame) => frame.call) ?? []
    )
  }
  throw new Error("expected an error, but nothing was thrown")
}

const fails = fn(function* fails(...args: unknown[]) {
  throw new Error(`failed with ${args.length} arguments`)
})

describe("arguments in traceback frames", () => {
  it.each([
    ["no argument", [], "fails()"],
    ["one number", [7], "fails(7)"],
    ["one string", ["x"], 'fails("x")'],
    ["one array", [[1, 2]], "fails([1, 2])"],
    ["one undefined", [undefined], "fails(undefined)"],
    ["two arguments", [1, "b"], 'fails(1, "b")'],
  ])("%s shows as passed", (_case, args, call) => {
    expect(callsOf(() => run(fails(...args)))).toEqual([call])
  })
})
