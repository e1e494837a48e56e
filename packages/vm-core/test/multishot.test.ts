import { describe, expect, it } from "vitest"
import {
  ContinuationError,
  Delegate,
  Effect,
  fn,
  handler,
  JournalDivergenceError,
  Pass,
  type ProgramGenerator,
  program,
  Resume,
  ResumeThrow,
  run,
  Transfer,
  withHandler,
} from "../src/index.js"

/** Nondeterministic choice among `n` options: answered 0 … n-1. */
class Choose extends Effect<number> {
  constructor(readonly n: number) {
    super()
  }
}

/** A two-way choice, answered true or false. */
class Flip extends Effect<boolean> {}

class Fail extends Effect<never> {}

class Ask extends Effect<number> {
  constructor(readonly key: string) {
    super()
  }
}

/** Collects every result of every choice: the list monad as a handler. */
const allResults = handler(
  function* allResults(eff: Choose, k) {
    const results: unknown[] = []
    for (let i = 0; i < eff.n; i++) results.push(...((yield* Resume(k, i)) as unknown[]))
    return results
  },
  { handles: [Choose], multishot: true },
)

/** Answers Fail by aborting with no results. */
const failNone = handler(() => [], { handles: [Fail] })

function safe(queens: readonly number[], column: number): boolean {
  const row = queens.length
  for (let r = 0; r < row; r++) {
    const c = queens[r]!
    if (c === column || Math.abs(c - column) === row - r) return false
  }
  return true
}

const placeQueens = fn(function* placeQueens(n: number): ProgramGenerator<unknown[]> {
  const queens: number[] = []
  for (let row = 0; row < n; row++) {
    const column = yield* new Choose(n)
    if (!safe(queens, column)) yield* new Fail()
    queens.push(column)
  }
  return [queens]
})

const queens = (n: number) => withHandler(allResults, withHandler(failNone, placeQueens(n)))

describe("multi-shot handlers", () => {
  it("find all 92 solutions of 8 queens", () => {
    const solutions = run(queens(8)) as number[][]
    expect(solutions).toHaveLength(92)
    expect(solutions[0]).toEqual([0, 4, 7, 5, 2, 6, 1, 3])
    for (const s of solutions)
      for (let r = 0; r < 8; r++) expect(safe(s.slice(0, r), s[r]!)).toBe(true)
  })

  it("count the known number of solutions for 1 to 10 queens", () => {
    const counts = [1, 0, 0, 2, 10, 4, 40, 92, 352, 724]
    for (let n = 1; n <= 10; n++) expect((run(queens(n)) as unknown[]).length).toBe(counts[n - 1])
    // 10 queens re-runs the board about 10⁵ times: seconds on a quiet machine, more on a busy one.
  }, 180_000)

  it("deliver each resume's value to the body and evaluate to that run's result", () => {
    const body = program(function* pair() {
      const a = yield* new Flip()
      const b = yield* new Flip()
      return [`${a}-${b}`]
    })
    const amb = handler(
      function* amb(_eff: Flip, k) {
        const yes = (yield* Resume(k, true)) as string[]
        const no = (yield* Resume(k, false)) as string[]
        return [...yes, ...no]
      },
      { handles: [Flip], multishot: true },
    )
    expect(run(withHandler(amb, body))).toEqual([
      "true-true",
      "true-false",
      "false-true",
      "false-false",
    ])
  })

  it("nest: an inner multi-shot handler's choices are re-run under each outer choice", () => {
    class Coin extends Effect<string> {}
    const body = program(function* nested() {
      const outer = yield* new Coin()
      const inner = yield* new Flip()
      return [`${outer}${inner ? 1 : 0}`]
    })
    const coins = handler(
      function* coins(_eff: Coin, k) {
        return [...((yield* Resume(k, "H")) as string[]), ...((yield* Resume(k, "T")) as string[])]
      },
      { handles: [Coin], multishot: true },
    )
    const flips = handler(
      function* flips(_eff: Flip, k) {
        return [
          ...((yield* Resume(k, true)) as string[]),
          ...((yield* Resume(k, false)) as string[]),
        ]
      },
      { handles: [Flip], multishot: true },
    )
    expect(run(withHandler(coins, withHandler(flips, body)))).toEqual(["H1", "H0", "T1", "T0"])
  })

  it("replay the answers of outer handlers instead of asking them again", () => {
    let asked = 0
    const env = handler(
      (eff: Ask, k) => {
        asked++
        return Transfer(k, eff.key.length)
      },
      { handles: [Ask] },
    )
    const body = program(function* usesOuter() {
      const base = yield* new Ask("four")
      const bit = yield* new Flip()
      return [base + (bit ? 1 : 0)]
    })
    const both = handler(
      function* both(_eff: Flip, k) {
        return [
          ...((yield* Resume(k, true)) as number[]),
          ...((yield* Resume(k, false)) as number[]),
        ]
      },
      { handles: [Flip], multishot: true },
    )
    expect(run(withHandler(env, withHandler(both, body)))).toEqual([5, 4])
    expect(asked).toBe(1)
  })

  it("run the body's finally blocks exactly once per run of the body", () => {
    const closed: string[] = []
    const body = program(function* guarded() {
      try {
        const bit = yield* new Flip()
        return [bit]
      } finally {
        closed.push("finally")
      }
    })
    const both = handler(
      function* both(_eff: Flip, k) {
        const a = (yield* Resume(k, true)) as boolean[]
        const b = (yield* Resume(k, false)) as boolean[]
        const c = (yield* Resume(k, true)) as boolean[]
        return [...a, ...b, ...c]
      },
      { handles: [Flip], multishot: true },
    )
    expect(run(withHandler(both, body))).toEqual([true, false, true])
    expect(closed).toEqual(["finally", "finally", "finally"])
  })

  it("run an abandoned body's finally once when the handler aborts", () => {
    const closed: string[] = []
    const body = program(function* abandoned() {
      try {
        yield* new Flip()
        return "reached"
      } finally {
        closed.push("finally")
      }
    })
    const abort = handler(() => "aborted", { handles: [Flip], multishot: true })
    expect(run(withHandler(abort, body))).toBe("aborted")
    expect(closed).toEqual(["finally"])
  })

  it("fail with JournalDivergenceError when a re-run performs another effect", () => {
    let runs = 0
    const body = program(function* nondeterministic() {
      runs++
      if (runs > 1) yield* new Choose(3)
      const bit = yield* new Flip()
      return [bit]
    })
    const both = handler(
      function* both(eff: Flip | Choose, k) {
        if (eff instanceof Choose) return yield* Transfer(k, 0)
        return [
          ...((yield* Resume(k, true)) as boolean[]),
          ...((yield* Resume(k, false)) as boolean[]),
        ]
      },
      { handles: [Flip, Choose], multishot: true },
    )
    const error = (() => {
      try {
        run(withHandler(both, body))
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(JournalDivergenceError)
    const divergence = error as JournalDivergenceError
    expect(divergence.position).toBe(0)
    expect(divergence.expected).toBe("Flip()")
    expect(divergence.actual).toBe("Choose(3)")
  })

  it("fail with JournalDivergenceError when a re-run ends before the perform it resumes", () => {
    let runs = 0
    const body = program(function* shortens() {
      runs++
      if (runs > 1) return ["early"]
      return [yield* new Flip()]
    })
    const both = handler(
      function* both(_eff: Flip, k) {
        return [
          ...((yield* Resume(k, true)) as unknown[]),
          ...((yield* Resume(k, false)) as unknown[]),
        ]
      },
      { handles: [Flip], multishot: true },
    )
    expect(() => run(withHandler(both, body))).toThrow(JournalDivergenceError)
  })

  it("throw a ResumeThrow error at the perform site of a re-run", () => {
    const body = program(function* catches() {
      try {
        return [yield* new Flip()]
      } catch (error) {
        return [`caught ${(error as Error).message}`]
      }
    })
    const h = handler(
      function* twice(_eff: Flip, k) {
        const first = (yield* Resume(k, true)) as unknown[]
        const second = (yield* ResumeThrow(k, new Error("no"))) as unknown[]
        return [...first, ...second]
      },
      { handles: [Flip], multishot: true },
    )
    expect(run(withHandler(h, body))).toEqual([true, "caught no"])
  })

  it("let a multi-shot handler Pass: the outer handler answers, and re-runs replay it", () => {
    let outerCalls = 0
    const outer = handler(
      (_eff: Ask, k) => {
        outerCalls++
        return Transfer(k, 10)
      },
      { handles: [Ask] },
    )
    const body = program(function* passes() {
      const n = yield* new Ask("n")
      const bit = yield* new Flip()
      return [n + (bit ? 1 : 0)]
    })
    const both = handler(
      function* both(eff: Flip | Ask, k) {
        if (eff instanceof Ask) return yield* Pass()
        return [
          ...((yield* Resume(k, true)) as number[]),
          ...((yield* Resume(k, false)) as number[]),
        ]
      },
      { handles: [Flip, Ask], multishot: true },
    )
    expect(run(withHandler(outer, withHandler(both, body)))).toEqual([11, 10])
    expect(outerCalls).toBe(1)
  })

  it("let a multi-shot handler Delegate and resume with the outer answer", () => {
    const outer = handler((eff: Ask, k) => Transfer(k, eff.key.length), {
      handles: [Ask],
    })
    const body = program(function* delegates() {
      return [yield* new Ask("three")]
    })
    const doubling = handler(
      function* doubling(_eff: Ask, k) {
        const answer = (yield* Delegate()) as number
        return [
          ...((yield* Resume(k, answer)) as number[]),
          ...((yield* Resume(k, answer * 2)) as number[]),
        ]
      },
      { handles: [Ask], multishot: true },
    )
    expect(run(withHandler(outer, withHandler(doubling, body)))).toEqual([5, 10])
  })

  it("work inside a one-shot handler, which sees each re-run's own effects", () => {
    const seen: string[] = []
    const logger = handler(
      function* logger(eff: Ask, k) {
        seen.push(eff.key)
        return yield* Transfer(k, 1)
      },
      { handles: [Ask] },
    )
    const body = program(function* inner() {
      const bit = yield* new Flip()
      const n = yield* withHandler(
        logger,
        program(function* lookup() {
          return yield* new Ask(bit ? "yes" : "no")
        }),
      )
      return [n]
    })
    const both = handler(
      function* both(_eff: Flip, k) {
        return [
          ...((yield* Resume(k, true)) as number[]),
          ...((yield* Resume(k, false)) as number[]),
        ]
      },
      { handles: [Flip], multishot: true },
    )
    expect(run(withHandler(both, body))).toEqual([1, 1])
    expect(seen).toEqual(["yes", "no"])
  })

  it("keep one-shot handlers one-shot: a second resume is a ContinuationError", () => {
    const twice = handler(
      function* twice(_eff: Flip, k) {
        yield* Resume(k, true)
        return yield* Resume(k, false)
      },
      { handles: [Flip] },
    )
    expect(() =>
      run(
        withHandler(
          twice,
          program(function* once() {
            return yield* new Flip()
          }),
        ),
      ),
    ).toThrow(ContinuationError)
  })

  it("accept a fast-path multi-shot handler that transfers once", () => {
    const fast = handler((_eff: Flip, k) => Transfer(k, true), {
      handles: [Flip],
      multishot: true,
    })
    expect(
      run(
        withHandler(
          fast,
          program(function* single() {
            return yield* new Flip()
          }),
        ),
      ),
    ).toBe(true)
  })

  it("parse with backtracking: every way to split a string into known words", () => {
    const words = ["a", "ab", "b", "ba", "aba"]
    const splits = fn(function* splits(text: string): ProgramGenerator<string[][]> {
      const parts: string[] = []
      let rest = text
      while (rest.length > 0) {
        const length = (yield* new Choose(rest.length)) + 1
        const word = rest.slice(0, length)
        if (!words.includes(word)) yield* new Fail()
        parts.push(word)
        rest = rest.slice(length)
      }
      return [parts]
    })
    const all = run(withHandler(allResults, withHandler(failNone, splits("abab")))) as string[][]
    expect(all.map((p) => p.join(" "))).toEqual([
      "a b a b",
      "a b ab",
      "a ba b",
      "ab a b",
      "ab ab",
      "aba b",
    ])
  })
})
