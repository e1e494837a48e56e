// maxDepth and RecursionError: a runaway recursion fails early and catchably.
import { describe, expect, it } from "vitest"
import {
  fn,
  formatTraceback,
  getTraceback,
  program,
  RecursionError,
  run,
  type Yielded,
} from "../src/index.js"

const isEven = fn(function* isEvenStep(n: number): Generator<Yielded, boolean, unknown> {
  if (n === 0) return true
  return yield* isOdd(n - 1)
})
const isOdd = fn(function* isOddStep(n: number): Generator<Yielded, boolean, unknown> {
  if (n === 0) return false
  return yield* isEven(n - 1)
})
const walk = fn(function* walkStep(n: number): Generator<Yielded, number, unknown> {
  if (n === 0) return 0
  return 1 + (yield* walk(n - 1))
})

function thrown(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error, but nothing was thrown")
}

describe("maxDepth", () => {
  it("runaway mutual recursion fails with RecursionError instead of running out of memory", () => {
    const error = thrown(() => run(isEven(-1), { maxDepth: 5_000 }))

    expect(error).toBeInstanceOf(RecursionError)
    expect((error as RecursionError).maxDepth).toBe(5_000)
    expect((error as Error).message).toMatch(/isEvenStep|isOddStep/)
  })

  it("RecursionError is catchable by a frame further out", () => {
    const guarded = program(function* guarded() {
      try {
        return yield* isEven(-1)
      } catch (error) {
        return error instanceof RecursionError ? "too deep" : "other"
      }
    })

    expect(run(guarded, { maxDepth: 1_000 })).toBe("too deep")
  })

  it("the traceback of a runaway mutual recursion folds the repeated pair of frames", () => {
    const error = thrown(() => run(isEven(-1), { maxDepth: 10_000 }))
    const frames = getTraceback(error)!.sections.at(-1)!.frames

    expect(frames.length).toBeLessThan(10)
    expect(frames.some((f) => f.cycle === 2 && (f.repeated ?? 0) > 4_000)).toBe(true)
    expect(formatTraceback(error)).toMatch(/\[the 2 frames above ×\d+\]/)
  })

  it("the traceback of a deep direct recursion folds the repeated frame", () => {
    const error = thrown(() => run(walk(50_000), { maxDepth: 20_000 }))

    expect(getTraceback(error)!.sections.at(-1)!.frames.length).toBeLessThan(5)
    expect(formatTraceback(error)).toMatch(/\[×\d{4,}\]/)
  })

  it("a recursion within the limit completes", () => {
    expect(run(walk(5_000), { maxDepth: 6_000 })).toBe(5_000)
  })

  it("the default lets a recursion of a million levels complete", () => {
    expect(run(walk(1_000_000))).toBe(1_000_000)
  })

  it("a maxDepth that is not a positive integer is a TypeError naming the value", () => {
    expect(() => run(walk(1), { maxDepth: -3 })).toThrow(/maxDepth.*-3/)
  })
})
