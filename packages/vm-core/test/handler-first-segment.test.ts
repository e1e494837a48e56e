import { describe, expect, it } from "vitest"
import {
  Effect,
  type HandlerDef,
  handler,
  type Program,
  program,
  Resume,
  run,
  Transfer,
  withHandlers,
} from "../src/index.js"

/**
 * A generator handler's first segment runs before the machine makes its frame, and a
 * handler that ends it with `Transfer(k, v)` never gets one (docs/performance.md). Traced
 * runs still make the frame first, so running each case traced and untraced checks that
 * the frameless path does exactly what the framed one does.
 */

class Tick extends Effect<number> {}
class Note extends Effect<void> {
  constructor(readonly text: string) {
    super()
  }
}

function notes(into: string[]): HandlerDef {
  return handler(
    (eff: Note, k) => {
      into.push(eff.text)
      return Transfer(k, undefined)
    },
    { handles: [Note] },
  )
}

type Outcome = { value: unknown } | { error: string }

function outcome(make: (log: string[]) => Program<unknown>, traced: boolean): [Outcome, string[]] {
  const log: string[] = []
  const p = make(log)
  try {
    const value = traced ? run(p, { trace: "full", onEvent: () => {} }) : run(p)
    return [{ value }, log]
  } catch (error) {
    return [{ error: String(error) }, log]
  }
}

function sameTracedAndNot(make: (log: string[]) => Program<unknown>): [Outcome, string[]] {
  const untraced = outcome(make, false)
  expect(untraced).toEqual(outcome(make, true))
  return untraced
}

const twoTicks = program(function* twoTicks() {
  const a = yield* new Tick()
  const b = yield* new Tick()
  yield* new Note(`body got ${a} and ${b}`)
  return a + b
})

describe("a generator handler's first segment", () => {
  it("Transfer at once resumes the body with the value, perform after perform", () => {
    const transfers = handler(
      function* transfers(_eff: Tick, k) {
        return yield* Transfer(k, 3)
      },
      { handles: [Tick] },
    )
    const [result, log] = sameTracedAndNot((log) => withHandlers([notes(log), transfers], twoTicks))
    expect(result).toEqual({ value: 6 })
    expect(log).toEqual(["body got 3 and 3"])
  })

  it("a finally that performs after Transfer runs before the body goes on", () => {
    const tidy = (log: string[]) =>
      handler(
        function* tidy(_eff: Tick, k) {
          try {
            return yield* Transfer(k, 1)
          } finally {
            log.push("tidy finally")
            yield* new Note("tidy noted")
          }
        },
        { handles: [Tick] },
      )
    const [result, log] = sameTracedAndNot((log) => withHandlers([notes(log), tidy(log)], twoTicks))
    expect(result).toEqual({ value: 2 })
    expect(log).toEqual([
      "tidy finally",
      "tidy noted",
      "tidy finally",
      "tidy noted",
      "body got 1 and 1",
    ])
  })

  it("a finally that throws after Transfer closes the body and the error comes out of the handler's boundary", () => {
    const failingTidy = handler(
      function* failingTidy(_eff: Tick, k) {
        try {
          return yield* Transfer(k, 1)
        } finally {
          // biome-ignore lint/correctness/noUnsafeFinally: the case under test
          throw new Error("tidy failed")
        }
      },
      { handles: [Tick] },
    )
    const body = (log: string[]) =>
      program(function* body() {
        try {
          return yield* new Tick()
        } finally {
          log.push("body closed")
        }
      })
    const [result, log] = sameTracedAndNot((log) => withHandlers([failingTidy], body(log)))
    expect(result).toEqual({ error: "Error: tidy failed" })
    expect(log).toEqual(["body closed"])
  })

  it("a throw before resuming is raised at the perform site, where the body can catch it", () => {
    const refuses = handler(
      function* refuses(): Generator<never, never> {
        throw new Error("refused")
      },
      { handles: [Tick] },
    )
    const body = program(function* body() {
      try {
        return yield* new Tick()
      } catch (error) {
        return `caught ${(error as Error).message}`
      }
    })
    const [result] = sameTracedAndNot(() => withHandlers([refuses], body))
    expect(result).toEqual({ value: "caught refused" })
  })

  it("returning without resuming aborts: the body is closed and the handler's value is the result", () => {
    const aborts = handler(
      function* aborts(): Generator<never, string> {
        return "aborted"
      },
      { handles: [Tick] },
    )
    const body = (log: string[]) =>
      program(function* body() {
        try {
          return yield* new Tick()
        } finally {
          log.push("body closed")
        }
      })
    const [result, log] = sameTracedAndNot((log) => withHandlers([aborts], body(log)))
    expect(result).toEqual({ value: "aborted" })
    expect(log).toEqual(["body closed"])
  })

  it("a first segment that performs first gets its frame, and its effects go to outer handlers", () => {
    const chatty = handler(
      function* chatty(_eff: Tick, k) {
        yield* new Note("chatty answers")
        const result = yield* Resume(k, 5)
        return `${String(result)} seen by chatty`
      },
      { handles: [Tick] },
    )
    const once = program(function* once() {
      return yield* new Tick()
    })
    const [result, log] = sameTracedAndNot((log) => withHandlers([notes(log), chatty], once))
    expect(result).toEqual({ value: "5 seen by chatty" })
    expect(log).toEqual(["chatty answers"])
  })
})
