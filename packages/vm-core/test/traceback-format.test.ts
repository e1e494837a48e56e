// formatTraceback: the rendered text of docs/semantics.md §6. One snapshot, and structural tests that
// survive formatting changes.
import { describe, expect, it } from "vitest"
import {
  Effect,
  fn,
  formatTraceback,
  handler,
  Pass,
  type Program,
  program,
  run,
  withHandlers,
} from "../src/index.js"

class Query extends Effect<string> {
  constructor(readonly sql: string) {
    super()
  }
}

function thrownBy(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error, but nothing was thrown")
}

const leaf = fn(function* leaf(id: string) {
  throw new Error(`corrupt data for item ${id}`)
})
const walk: (n: number) => Program<unknown> = fn(function* walkStep(n: number) {
  if (n === 0) return yield* leaf("1-2")
  return yield* walk(n - 1)
})
const main = program(function* main() {
  return yield* walk(3)
})

const lines = (text: string) => text.split("\n")

describe("formatTraceback layout", () => {
  it("renders a recursive failure as the snapshot shows", () => {
    expect(formatTraceback(thrownBy(() => run(main)))).toMatchSnapshot()
  })

  it("puts the header first and `Type: message` last", () => {
    const text = lines(formatTraceback(thrownBy(() => run(main))))

    expect(text[0]).toBe("effvm Traceback (most recent call last):")
    expect(text.at(-1)).toBe("Error: corrupt data for item 1-2")
  })

  it("lists frames outermost first, the raising frame and its source line last", () => {
    const text = formatTraceback(thrownBy(() => run(main)))

    const mainAt = text.indexOf("  main()")
    const walkAt = text.indexOf("  walkStep(3)")
    const leafAt = text.indexOf('  leaf("1-2")')
    const raiseAt = text.indexOf("throw new Error(`corrupt data for item $" + "{id}`)")
    expect(mainAt).toBeGreaterThan(0)
    expect(walkAt).toBeGreaterThan(mainAt)
    expect(leafAt).toBeGreaterThan(walkAt)
    expect(raiseAt).toBeGreaterThan(leafAt)
  })

  it("folds consecutive repeats of a frame into one with [×N]", () => {
    const text = formatTraceback(thrownBy(() => run(main)))

    expect(text).toContain("[×4]")
    expect(text).not.toContain("walkStep(2)")
  })

  it("never shows effvm's own frames", () => {
    const text = formatTraceback(thrownBy(() => run(main)))

    expect(text).not.toMatch(/packages\/vm-core\/src|advance|machine\.ts/)
  })

  it("shows the effect being performed and each handler's verdict under the performing frame", () => {
    const passing = handler(
      function* cache() {
        return yield* Pass()
      },
      { name: "cache" },
    )
    const broken = handler(
      (_eff: Query) => {
        throw new Error("database down")
      },
      { handles: [Query], name: "database" },
    )
    const query = program(function* query() {
      return yield* new Query("select 1")
    })

    const text = lines(formatTraceback(thrownBy(() => run(withHandlers([broken, passing], query)))))

    const frameAt = text.findIndex((l) => l.startsWith("  query()"))
    const performingAt = text.indexOf('    performing Query("select 1")')
    expect(frameAt).toBeGreaterThan(0)
    expect(performingAt).toBeGreaterThan(frameAt)
    expect(text[performingAt + 1]).toBe("    handlers: cache ↗, database ✗")
  })

  it("renders the cause first, then Python's sentence, then the error it caused", () => {
    const wraps = program(function* saves() {
      try {
        return yield* leaf("cause")
      } catch (error) {
        throw new Error("save failed", { cause: error })
      }
    })

    const text = lines(formatTraceback(thrownBy(() => run(wraps))))

    const causeLast = text.indexOf("Error: corrupt data for item cause")
    const sentence = text.indexOf(
      "The above exception was the direct cause of the following exception:",
    )
    const header = text.lastIndexOf("effvm Traceback (most recent call last):")
    expect(causeLast).toBeGreaterThan(0)
    expect(sentence).toBeGreaterThan(causeLast)
    expect(header).toBeGreaterThan(sentence)
    expect(text.at(-1)).toBe("Error: save failed")
  })

  it("renders an AggregateError's errors as a numbered tree before its own `Type: message`", () => {
    const failures: unknown[] = []
    for (const id of ["a", "b"]) failures.push(thrownBy(() => run(leaf(id))))
    const text = lines(formatTraceback(new AggregateError(failures, "2 tasks failed")))

    const first = text.indexOf("  +-- 1 --")
    const second = text.indexOf("  +-- 2 --")
    expect(first).toBeGreaterThan(0)
    expect(second).toBeGreaterThan(first)
    expect(text.slice(first + 1, second - 1).every((l) => l.startsWith("  | "))).toBe(true)
    expect(text).toContain("  | Error: corrupt data for item a")
    expect(text.at(-1)).toBe("AggregateError: 2 tasks failed")
  })

  it("renders suppressed errors first, each followed by the suppression sentence", () => {
    const primary = thrownBy(() => run(leaf("primary"))) as Error
    Object.defineProperty(primary, "suppressed", { value: [thrownBy(() => run(leaf("late")))] })

    const text = lines(formatTraceback(primary))

    const lateAt = text.indexOf("Error: corrupt data for item late")
    const sentence = text.findIndex((l) => l.startsWith("The above exception was suppressed"))
    expect(lateAt).toBeGreaterThan(0)
    expect(sentence).toBeGreaterThan(lateAt)
    expect(text.at(-1)).toBe("Error: corrupt data for item primary")
  })

  it("renders a value no machine threw by its content, under an empty header", () => {
    expect(formatTraceback("just a string").split("\n")).toEqual([
      "effvm Traceback (most recent call last):",
      "",
      "  (no frames outside effvm)",
      "",
      'thrown value: "just a string"',
    ])
  })
})
