import { describe, expect, it } from "vitest"
import {
  type Continuation,
  Effect,
  fn,
  handler,
  Pass,
  program,
  run,
  Transfer,
  withHandler,
  withHandlers,
  type Yielded,
} from "../src/index.js"

class Probe extends Effect<number> {}

const leaf = fn(function* leaf(): Generator<Yielded, number, unknown> {
  return yield* new Probe()
})
const middle = fn(function* middle(): Generator<Yielded, number, unknown> {
  return yield* leaf()
})
const top = program(function* top(): Generator<Yielded, number, unknown> {
  return yield* middle()
})

function capturing(into: { k?: Continuation<unknown>; frames?: unknown; handlers?: unknown }) {
  return handler(
    function holder(_eff: Probe, k) {
      into.k = k
      into.frames = k.frames
      into.handlers = k.handlers
      return Transfer(k, 1)
    },
    { handles: [Probe] },
  )
}

describe("k.frames and k.handlers", () => {
  it("k.frames lists the program frames from the perform site outwards, with file and line", () => {
    const seen: { frames?: unknown } = {}
    run(withHandler(capturing(seen), top))
    const frames = seen.frames as { name: string; file: string; line: number }[]
    expect(frames.map((f) => f.name)).toEqual(["leaf", "middle", "top"])
    expect(frames[0]!.file).toMatch(/continuation-where\.test\.ts$/)
    expect(frames[0]!.line).toBe(18)
  })

  it("k.handlers names the handlers in scope at the perform site, innermost first, the holder included", () => {
    const seen: { handlers?: unknown } = {}
    const outer = handler((_e, _k) => Pass(), { name: "outer" })
    const inner = handler(function inner(_e, _k) {
      return Pass()
    })
    run(withHandlers([outer, capturing(seen), inner], top))
    expect(seen.handlers).toEqual(["inner", "holder", "outer"])
  })

  it("computes both when read, also after k was resumed", () => {
    const seen: { k?: Continuation<unknown> } = {}
    run(withHandler(capturing(seen), top))
    expect(seen.k!.frames.map((f) => f.name)).toEqual(["leaf", "middle", "top"])
  })
})
