// getTraceback: the structured traceback of docs/semantics.md §6 (frames, locations, effects, verdicts).
import { describe, expect, it } from "vitest"
import {
  Delegate,
  Effect,
  fn,
  getTraceback,
  handler,
  Pass,
  type Program,
  program,
  Resume,
  ResumeThrow,
  run,
  type TracebackFrame,
  Transfer,
  TransferThrow,
  untracked,
  withHandler,
  withHandlers,
  type Yielded,
} from "../src/index.js"

class Query extends Effect<string> {
  constructor(readonly sql: string) {
    super()
  }
}

const thisFile = "packages/vm-core/test/traceback.test.ts"

/** The line number of the caller of this function. */
function lineHere(): number {
  const line = new Error().stack!.split("\n")[2]!
  return Number(/:(\d+):\d+\)?$/.exec(line)![1])
}

function thrownBy(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error, but nothing was thrown")
}

/** The frames of the raising task, outermost first. */
function framesOf(error: unknown): TracebackFrame[] {
  const tb = getTraceback(error)
  expect(tb, "the error carries a traceback").toBeDefined()
  return tb!.sections.at(-1)?.frames ?? []
}

const query = program(function* query() {
  return yield* new Query("select 1")
})

/** A catch-all handler that passes everything on. */
const passing = (name: string) =>
  handler(
    function* passes() {
      return yield* Pass()
    },
    { name },
  )

describe("frames", () => {
  it("a three-deep chain of programs shows three frames, outermost first, with the throwing line exact", () => {
    let throwLine = 0
    const parseRecord = fn(function* parseRecord(line: string) {
      throwLine = lineHere() + 1
      if (!line.includes("=")) throw new Error(`corrupt record: ${line}`)
      return line
    })
    const loadSection = fn(function* loadSection(name: string) {
      return [name, yield* parseRecord("host")]
    })
    const loadConfig = fn(function* loadConfig() {
      return yield* loadSection("server")
    })

    const frames = framesOf(thrownBy(() => run(loadConfig())))

    expect(frames.map((f) => f.call)).toEqual([
      "loadConfig()",
      'loadSection("server")',
      'parseRecord("host")',
    ])
    expect(frames[2]).toMatchObject({ file: thisFile, line: throwLine, lineKind: "raise" })
    expect(frames[0]!.lineKind).toBe("definition")
    expect(frames[0]!.file).toBe(thisFile)
  })

  it("an error thrown by a helper function the generator called points at the generator's own line, then at the helper's throw", () => {
    let callLine = 0
    const throwLine = lineHere() + 2
    const fail = (): never => {
      throw new Error("from a helper")
    }
    const usesHelper = program(function* usesHelper() {
      callLine = lineHere() + 1
      fail()
    })

    const [frame, helper] = framesOf(thrownBy(() => run(usesHelper)))

    expect(frame).toMatchObject({ call: "usesHelper()", line: callLine, lineKind: "live" })
    expect(helper).toMatchObject({
      call: "fail()",
      line: throwLine,
      lineKind: "raise",
      plain: true,
    })
  })

  it("a frame that is not the raising one shows its definition site by default", () => {
    const defLine = lineHere() + 1
    const outer = fn(function* outer(inner: Program<unknown>) {
      const before = 1
      return before + ((yield* inner) as number)
    })
    const inner = program(function* inner() {
      throw new Error("inner")
    })

    const frames = framesOf(thrownBy(() => run(outer(inner))))

    expect(frames.map((f) => f.lineKind)).toEqual(["definition", "raise"])
    expect(frames[0]).toMatchObject({ call: "outer(Program object)", line: defLine })
  })
})

describe("every error a user can reach carries a traceback", () => {
  it("a user throw", () => {
    const throws = program(function* throwsPlain() {
      throw new Error("plain")
    })
    expect(framesOf(thrownBy(() => run(throws))).map((f) => f.call)).toEqual(["throwsPlain()"])
  })

  it("an unhandled effect: the frame performing it, the effect, and every handler that passed it", () => {
    const error = thrownBy(() =>
      run(untracked(withHandlers([passing("state"), passing("cache")], query))),
    )

    const [frame] = framesOf(error)
    expect(frame).toMatchObject({ call: "query()", effect: 'Query("select 1")' })
    expect(frame!.handlers).toEqual([
      { handler: "cache", verdict: "passed" },
      { handler: "state", verdict: "passed" },
    ])
  })

  it("Pass() with no outer handler", () => {
    const declines = handler((_eff: Query) => Pass(), { handles: [Query], name: "declines" })

    const [frame] = framesOf(thrownBy(() => run(withHandler(declines, query))))

    expect(frame!.call).toBe("query()")
    expect(frame!.handlers).toEqual([{ handler: "declines", verdict: "passed" }])
  })

  it("a double resume (ContinuationError)", () => {
    const twice = handler(
      function* twice(_eff, k) {
        yield* Resume(k, "first")
        return yield* Resume(k, "second")
      },
      { handles: [Query] },
    )
    const runsQuery = fn(function* runsQuery() {
      return yield* query
    })

    const error = thrownBy(() => run(withHandler(twice, runsQuery())))

    expect((error as Error).name).toBe("ContinuationError")
    expect(getTraceback(error)!.sections.length).toBe(1)
  })

  it("a bad yield", () => {
    const yieldsNumber = program(function* yieldsNumber() {
      yield 7 as unknown as Yielded
    })

    const error = thrownBy(() => run(yieldsNumber))

    expect(error).toBeInstanceOf(TypeError)
    expect(framesOf(error).map((f) => f.call)).toEqual(["yieldsNumber()"])
  })
})

describe("handler verdicts on the performing frame", () => {
  it("a handler that throws while handling is marked threw, after those that passed", () => {
    const broken = handler(
      () => {
        throw new Error("database down")
      },
      { handles: [Query], name: "database" },
    )

    const error = thrownBy(() => run(withHandlers([broken, passing("cache")], query)))

    expect(framesOf(error)[0]!.handlers).toEqual([
      { handler: "cache", verdict: "passed" },
      { handler: "database", verdict: "threw" },
    ])
  })

  it("ResumeThrow is marked resumed, TransferThrow transferred", () => {
    const viaResume = handler(
      function* strict(_eff, k) {
        return yield* ResumeThrow(k, new Error("refused"))
      },
      { handles: [Query], name: "strict" },
    )
    const viaTransfer = handler((_eff: Query, k) => TransferThrow(k, new Error("refused")), {
      handles: [Query],
      name: "strictFast",
    })

    expect(framesOf(thrownBy(() => run(withHandler(viaResume, query))))[0]!.handlers).toEqual([
      { handler: "strict", verdict: "resumed" },
    ])
    expect(framesOf(thrownBy(() => run(withHandler(viaTransfer, query))))[0]!.handlers).toEqual([
      { handler: "strictFast", verdict: "transferred" },
    ])
  })

  it("a handler that delegated is marked delegated, followed by the outer handler that failed", () => {
    const outer = handler(
      () => {
        throw new Error("outer failed")
      },
      { handles: [Query], name: "outer" },
    )
    const delegating = handler(
      function* delegating(_eff, k) {
        const answer = yield* Delegate()
        return yield* Transfer(k, answer)
      },
      { handles: [Query], name: "delegating" },
    )

    const error = thrownBy(() => run(withHandlers([outer, delegating], query)))

    const [frame] = framesOf(error)
    expect(frame!.call).toBe("query()")
    expect(frame!.handlers).toEqual([
      { handler: "delegating", verdict: "delegated" },
      { handler: "outer", verdict: "threw" },
    ])
  })

  it("a frame whose error came from its own code, not from a perform, has no effect", () => {
    const throws = program(function* throwsOwn() {
      throw new Error("own")
    })
    expect(framesOf(thrownBy(() => run(throws)))[0]!.effect).toBeUndefined()
  })
})

describe("causes, aggregates, suppressed", () => {
  it("the cause of an error gets its own traceback", () => {
    const inner = program(function* readsDisk() {
      throw new Error("disk full")
    })
    const wraps = program(function* saves() {
      try {
        return yield* inner
      } catch (error) {
        throw new Error("save failed", { cause: error })
      }
    })

    const tb = getTraceback(thrownBy(() => run(wraps)))!

    expect(tb.message).toBe("save failed")
    expect(tb.cause?.message).toBe("disk full")
    expect(tb.cause?.sections.at(-1)?.frames.map((f) => f.call)).toEqual(["saves()", "readsDisk()"])
  })

  it("an AggregateError lists a traceback per error", () => {
    const tb = getTraceback(new AggregateError([new Error("a"), new TypeError("b")], "both"))!

    expect(tb.errors.map((e) => `${e.errorType}: ${e.message}`)).toEqual([
      "Error: a",
      "TypeError: b",
    ])
  })

  it("errors recorded as suppressed get their own tracebacks", () => {
    const primary = new Error("primary")
    Object.defineProperty(primary, "suppressed", { value: [new Error("during teardown")] })

    expect(getTraceback(primary)!.suppressed.map((t) => t.message)).toEqual(["during teardown"])
  })
})
