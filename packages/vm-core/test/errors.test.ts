import { describe, expect, it } from "vitest"
import {
  awaitExternal,
  Delegate,
  Effect,
  fn,
  handler,
  Pass,
  type Program,
  program,
  Resume,
  run,
  runAsync,
  Transfer,
  UnhandledEffectError,
  untracked,
  withHandler,
  withHandlers,
  type Yielded,
} from "../src/index.js"

class Ask<T> extends Effect<T> {
  constructor(readonly key: string) {
    super()
  }
}

class Tick extends Effect<number> {}

class Log extends Effect<void> {
  constructor(readonly message: string) {
    super()
  }
}

/** Performs Ask("db") and reports what the try/catch around it saw. */
const guardedAsk = program(function* guardedAsk() {
  try {
    const value = yield* new Ask<string>("db")
    return `answered ${value}`
  } catch (error) {
    return `caught at perform site: ${(error as Error).message}`
  }
})

/** Catches whatever leaves `body` and reports it. */
const reportingOutside = fn(function* reportingOutside(body: Program<unknown>) {
  try {
    const value = yield* body
    return `returned ${String(value)}`
  } catch (error) {
    return `caught outside: ${(error as Error).message}`
  }
})

const silentLogs = handler((_eff, k) => Transfer(k, undefined), { handles: [Log] })

describe("handler errors", () => {
  it("a fast-path handler that throws is caught by try/catch around the perform", () => {
    const broken = handler(
      () => {
        throw new Error("fast handler broke")
      },
      { handles: [Ask] },
    )

    expect(run(withHandler(broken, guardedAsk))).toBe("caught at perform site: fast handler broke")
  })

  it("a generator handler that throws before consuming k throws at the perform site", () => {
    const broken = handler(
      function* broken() {
        yield* new Log("about to fail")
        throw new Error("generator handler broke")
      },
      { handles: [Ask] },
    )

    expect(run(withHandlers([silentLogs, broken], guardedAsk))).toBe(
      "caught at perform site: generator handler broke",
    )
  })

  it("a handler that throws after resuming k makes the error leave the withHandler expression", () => {
    const bodySteps: string[] = []
    const failsLate = handler(
      function* failsLate(_eff, k) {
        yield* Resume(k, "value")
        throw new Error("handler failed after resume")
      },
      { handles: [Ask] },
    )
    const body = program(function* recordsCatch() {
      try {
        const value = yield* new Ask<string>("db")
        bodySteps.push(`got ${value}`)
        return value
      } catch {
        bodySteps.push("body caught")
        return "body caught"
      }
    })

    expect(run(reportingOutside(withHandler(failsLate, body)))).toBe(
      "caught outside: handler failed after resume",
    )
    expect(bodySteps).toEqual(["got value"])
  })

  it("an error from the finally of a handler that transferred k leaves the withHandler expression", () => {
    const bodySteps: string[] = []
    const failingCleanup = handler(
      function* failingCleanup(_eff, k) {
        try {
          return yield* Transfer(k, "value")
        } finally {
          // biome-ignore lint/correctness/noUnsafeFinally: the test is about a finally that throws
          throw new Error("handler cleanup failed")
        }
      },
      { handles: [Ask] },
    )
    const body = program(function* recordsSteps() {
      try {
        const value = yield* new Ask<string>("db")
        bodySteps.push(`got ${value}`)
        return value
      } catch {
        bodySteps.push("body caught")
        return "body caught"
      } finally {
        bodySteps.push("body finally")
      }
    })

    expect(run(reportingOutside(withHandler(failingCleanup, body)))).toBe(
      "caught outside: handler cleanup failed",
    )
    expect(bodySteps).toEqual(["body finally"])
  })

  it("a handler that throws after Delegate(), still holding k, throws at the perform site", () => {
    const outer = handler((_eff, k) => Transfer(k, "outer answer"), { handles: [Ask] })
    const failsAfterDelegate = handler(
      function* failsAfterDelegate() {
        const answer = yield* Delegate()
        throw new Error(`rejected ${String(answer)}`)
      },
      { handles: [Ask] },
    )

    expect(run(withHandlers([outer, failsAfterDelegate], guardedAsk))).toBe(
      "caught at perform site: rejected outer answer",
    )
  })

  it("an effect a handler performs that nobody handles fails the body's perform when uncaught", () => {
    const needsLog = handler(
      function* needsLog(_eff, k) {
        yield* new Log("nobody listens")
        return yield* Transfer(k, "unreachable")
      },
      { handles: [Ask] },
    )

    const outcome = run(untracked(withHandler(needsLog, guardedAsk)))

    expect(outcome).toMatch(/^caught at perform site: /)
    expect(outcome).toContain("Log")
  })

  it("a handler whose finally throws after Pass(), before k moved on, throws at the perform site", () => {
    const outer = handler((_eff, k) => Transfer(k, "outer answer"), { handles: [Ask] })
    const failingPass = handler(
      function* failingPass() {
        try {
          return yield* Pass()
        } finally {
          // biome-ignore lint/correctness/noUnsafeFinally: the test is about a finally that throws
          throw new Error("cleanup after pass failed")
        }
      },
      { handles: [Ask] },
    )

    expect(run(withHandlers([outer, failingPass], guardedAsk))).toBe(
      "caught at perform site: cleanup after pass failed",
    )
  })
})

describe("UnhandledEffectError", () => {
  const askDb = program(function* askDb() {
    return yield* new Ask<string>("db")
  })
  const ticksNamedCache = handler((_eff, k) => Transfer(k, 1), { handles: [Tick], name: "cache" })
  const ticksNamedState = handler((_eff, k) => Transfer(k, 2), { handles: [Tick], name: "state" })

  function unhandledErrorOf(body: Program<unknown>): UnhandledEffectError {
    try {
      run(body)
    } catch (error) {
      if (error instanceof UnhandledEffectError) return error
      throw error
    }
    throw new Error("expected the run to fail with UnhandledEffectError")
  }

  it("an effect nobody handles raises UnhandledEffectError naming the effect's class", () => {
    const error = unhandledErrorOf(askDb)

    expect(error).toBeInstanceOf(UnhandledEffectError)
    expect(error.message).toContain("Ask")
  })

  it("UnhandledEffectError names the handlers in scope, innermost first", () => {
    const error = unhandledErrorOf(withHandlers([ticksNamedState, ticksNamedCache], askDb))

    expect(error.message).toContain("cache")
    expect(error.message).toContain("state")
    expect(error.message.indexOf("cache")).toBeLessThan(error.message.indexOf("state"))
  })

  it("UnhandledEffectError.effect is the effect that was performed", () => {
    const performed = new Ask<string>("db")
    const body = program(function* performsKnownEffect() {
      return yield* performed
    })

    expect(unhandledErrorOf(body).effect).toBe(performed)
  })

  it("UnhandledEffectError is catchable by try/catch around the yield*", () => {
    let caught: unknown
    const body = program(function* catchesUnhandled() {
      try {
        return yield* new Ask<string>("db")
      } catch (error) {
        caught = error
        return "recovered"
      }
    })

    expect(run(untracked(withHandler(ticksNamedCache, body)))).toBe("recovered")
    expect(caught).toBeInstanceOf(UnhandledEffectError)
  })

  it("Pass() with no outer handler raises UnhandledEffectError at the perform site", () => {
    const performed = new Ask<string>("db")
    let caught: unknown
    const declines = handler(
      function* declines() {
        return yield* Pass()
      },
      { handles: [Ask] },
    )
    const body = program(function* catchesAtPerform() {
      try {
        return yield* performed
      } catch (error) {
        caught = error
        return "recovered"
      }
    })

    expect(run(withHandler(declines, body))).toBe("recovered")
    expect(caught).toBeInstanceOf(UnhandledEffectError)
    expect((caught as UnhandledEffectError).effect).toBe(performed)
  })

  it("Delegate() with no outer handler raises UnhandledEffectError", () => {
    const performed = new Ask<string>("db")
    let caught: unknown
    const delegates = handler(
      function* delegates(_eff, k) {
        const answer = yield* Delegate()
        return yield* Transfer(k, answer)
      },
      { handles: [Ask] },
    )
    const body = program(function* catchesAtPerform() {
      try {
        return yield* performed
      } catch (error) {
        caught = error
        return "recovered"
      }
    })

    expect(run(withHandler(delegates, body))).toBe("recovered")
    expect(caught).toBeInstanceOf(UnhandledEffectError)
    expect((caught as UnhandledEffectError).effect).toBe(performed)
  })

  it("Delegate() returned by a fast-path handler with no outer handler raises UnhandledEffectError", () => {
    const delegates = handler(() => Delegate(), { handles: [Ask] })

    expect(() => run(withHandler(delegates, askDb))).toThrow(UnhandledEffectError)
  })
})

describe("bad input (docs/semantics.md §8)", () => {
  it("yielding a non-effect value raises a TypeError naming the value and the frame", () => {
    const yieldsANumber = program(function* yieldsANumber() {
      yield 4242 as unknown as Yielded
      return "never reached"
    })

    let caught: unknown
    try {
      run(yieldsANumber)
    } catch (error) {
      caught = error
    }

    expect(caught).toBeInstanceOf(TypeError)
    expect((caught as Error).message).toContain("4242")
    expect((caught as Error).message).toContain("yieldsANumber")
  })

  it("the TypeError for a non-effect yield is raised at that yield, where try/catch catches it", () => {
    const recovers = program(function* recovers() {
      try {
        yield "a plain string" as unknown as Yielded
        return "not raised"
      } catch (error) {
        return error instanceof TypeError
          ? "caught TypeError at the yield"
          : "caught something else"
      }
    })

    expect(run(recovers)).toBe("caught TypeError at the yield")
  })

  it("waiting on an external promise under run fails with an error that points to runAsync", () => {
    const waits = program(function* waitsOnPromise() {
      return yield* awaitExternal(Promise.resolve(1))
    })

    expect(() => run(waits)).toThrow(/runAsync/)
  })

  it("run of something that is not a program throws a TypeError", () => {
    const factory = fn(function* factory() {
      return yield* new Tick()
    })

    expect(() => run(factory as unknown as Program<number>)).toThrow(TypeError)
    expect(() => run(42 as unknown as Program<number>)).toThrow(TypeError)
    expect(() => run(undefined as unknown as Program<number>)).toThrow(TypeError)
  })

  it("runAsync of something that is not a program rejects with a TypeError", async () => {
    await expect(runAsync({} as unknown as Program<number>)).rejects.toThrow(TypeError)
  })
})
