import { fn, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { spawn, wait } from "../src/index.js"
import { boundaryChain, runVirtual, thrownBy } from "./helpers.js"

class BadDefault extends Error {}

const failingDefault = (): number => {
  throw new BadDefault("no default")
}

// A generator function's parameter defaults run when it is called, before its generator
// exists: the task's first frame cannot be made, and the task fails like any other.
const badStart = fn(function* badStart(n: number = failingDefault()): Generator<Yielded, number> {
  return n
})

describe("starting a task", () => {
  it("a program that fails before its generator exists fails inside its own task", () => {
    const main = fn(function* main(): Generator<Yielded, number, unknown> {
      return yield* wait(yield* spawn(badStart(), { name: "bad start" }))
    })

    const error = thrownBy(() => runVirtual(main()))
    expect(error).toBeInstanceOf(BadDefault)
    expect(boundaryChain(error)).toEqual(["2:bad start"])
  })

  it("a program whose body is not a generator function fails in its task with a TypeError", () => {
    const notAGenerator = fn((() => 42) as unknown as () => Generator<Yielded, number>)
    const main = fn(function* main(): Generator<Yielded, number, unknown> {
      return yield* wait(yield* spawn(notAGenerator(), { name: "plain" }))
    })

    const error = thrownBy(() => runVirtual(main()))
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toContain("did not start a generator")
  })
})
