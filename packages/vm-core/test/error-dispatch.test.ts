// The enrichment dispatch of docs/semantics.md §5, one test per rule.
import { describe, expect, it } from "vitest"
import {
  Delegate,
  Effect,
  ExecutionContext,
  fn,
  GetExecutionContext,
  getExecutionContext,
  type HandlerDef,
  handler,
  Interrupt,
  Pass,
  type Program,
  program,
  Resume,
  ResumeThrow,
  run,
  Transfer,
  withHandler,
  withHandlers,
} from "../src/index.js"

/** The error `f` throws (fails the test when it throws nothing). */
function thrownBy(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error, but nothing was thrown")
}

/** A catch-all handler that adds `{ kind }` to every enrichment and resumes with the context. */
function adding(kind: string, calls?: string[]): HandlerDef {
  return handler(
    function* adds(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      calls?.push(kind)
      eff.context.add({ kind })
      return yield* Transfer(k, eff.context)
    },
    { name: kind },
  )
}

/** A catch-all handler that delegates to the outer handlers first, then adds `{ kind }`. */
function delegatingThenAdding(kind: string): HandlerDef {
  return handler(
    function* delegates(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      const context = (yield* Delegate()) as ExecutionContext
      context.add({ kind })
      return yield* Transfer(k, context)
    },
    { name: kind },
  )
}

const failing = fn(function* failing(message: string) {
  throw new Error(message)
})

function kindsOf(error: unknown): string[] {
  return (getExecutionContext(error)?.entries ?? []).map((e) => e.kind)
}

describe("GetExecutionContext and ExecutionContext", () => {
  it("GetExecutionContext carries the thrown error as .error and a fresh ExecutionContext as .context", () => {
    const seen: GetExecutionContext[] = []
    const inspects = handler(function* inspects(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      seen.push(eff)
      return yield* Transfer(k, eff.context)
    })

    const error = thrownBy(() => run(withHandler(inspects, failing("boom"))))

    expect(seen).toHaveLength(1)
    expect(seen[0]!.error).toBe(error)
    expect(seen[0]!.context).toBeInstanceOf(ExecutionContext)
    expect(seen[0]!.context.entries).toEqual([])
  })

  it("ExecutionContext keeps entries in the order they were added and rejects entries without a string kind", () => {
    const context = new ExecutionContext()
    context.add({ kind: "first" }).add({ kind: "second", detail: 2 })

    expect(context.entries).toEqual([{ kind: "first" }, { kind: "second", detail: 2 }])
    expect(() => context.add({ detail: 1 } as never)).toThrow(TypeError)
    expect(() => context.add(null as never)).toThrow(/string 'kind'/)
  })

  it("getExecutionContext(error) reads the context the handlers resumed with", () => {
    const error = thrownBy(() => run(withHandler(adding("request"), failing("boom"))))

    expect(getExecutionContext(error)).toBeInstanceOf(ExecutionContext)
    expect(kindsOf(error)).toEqual(["request"])
  })

  it("getExecutionContext of an error that was never enriched is undefined", () => {
    expect(getExecutionContext(new Error("plain"))).toBeUndefined()
    expect(getExecutionContext("not an object")).toBeUndefined()
  })
})

describe("resume-as-throw", () => {
  it("after enrichment the original error object is thrown at the failing site, where try/catch catches it", () => {
    let thrown: unknown
    const throwsKept = fn(function* throwsKept() {
      thrown = new Error("kept")
      throw thrown
    })
    const catches = program(function* catches() {
      try {
        yield* throwsKept()
        return undefined
      } catch (error) {
        return error
      }
    })

    const caught = run(withHandler(adding("request"), catches))

    expect(caught).toBe(thrown)
    expect((caught as Error).message).toBe("kept")
    expect(kindsOf(caught)).toEqual(["request"])
  })
})

describe("Pass and Delegate in the pipeline", () => {
  it("a handler that passes lets the next outer handler enrich, adding nothing itself", () => {
    const calls: string[] = []
    const declines = handler(function* declines() {
      calls.push("declines")
      return yield* Pass()
    })

    const error = thrownBy(() =>
      run(withHandlers([adding("outer", calls), declines], failing("boom"))),
    )

    expect(calls).toEqual(["declines", "outer"])
    expect(kindsOf(error)).toEqual(["outer"])
  })

  it("three nested handlers that each delegate, then add, end with the entries outer, middle, inner", () => {
    const error = thrownBy(() =>
      run(
        withHandlers(
          [
            delegatingThenAdding("outer"),
            delegatingThenAdding("middle"),
            delegatingThenAdding("inner"),
          ],
          failing("boom"),
        ),
      ),
    )

    expect(kindsOf(error)).toEqual(["outer", "middle", "inner"])
  })
})

describe("ends of the dispatch", () => {
  it("exhaustion: when every handler passes, the original error is thrown unchanged", () => {
    const original = new Error("as it was")
    const throwsOriginal = program(function* throwsOriginal() {
      throw original
    })
    const passes = handler(function* passes() {
      return yield* Pass()
    })

    const error = thrownBy(() => run(withHandlers([passes, passes], throwsOriginal)))

    expect(error).toBe(original)
    expect((error as Error).message).toBe("as it was")
    expect((error as Error).cause).toBeUndefined()
    expect(getExecutionContext(error)).toBeUndefined()
  })

  it("exhaustion: with no handler installed, the original error is thrown unchanged", () => {
    const error = thrownBy(() => run(failing("nobody enriches")))

    expect((error as Error).message).toBe("nobody enriches")
    expect(getExecutionContext(error)).toBeUndefined()
  })

  it("a handler that returns without resuming makes the original error be thrown", () => {
    const original = new Error("still this one")
    const throwsOriginal = program(function* throwsOriginal() {
      throw original
    })
    const returns = handler(function* returns(eff) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      return "an abort value nobody sees"
    })

    expect(thrownBy(() => run(withHandler(returns, throwsOriginal)))).toBe(original)
  })

  it("a handler that throws while enriching throws its own error, with cause = the original", () => {
    const broken = handler(function* broken(eff) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      throw new Error("enricher broke")
    })

    const error = thrownBy(() => run(withHandler(broken, failing("original"))))

    expect((error as Error).message).toBe("enricher broke")
    expect(((error as Error).cause as Error).message).toBe("original")
  })

  it("resuming with another Error replaces the error, with cause = the original", () => {
    const replaces = handler(function* replaces(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      return yield* Transfer(k, new RangeError("replacement"))
    })

    const error = thrownBy(() => run(withHandler(replaces, failing("original"))))

    expect(error).toBeInstanceOf(RangeError)
    expect((error as Error).message).toBe("replacement")
    expect(((error as Error).cause as Error).message).toBe("original")
  })

  it("resuming with anything but the context or an Error is a TypeError, with cause = the original", () => {
    const resumesWrong = handler(function* resumesWrong(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      return yield* Transfer(k, 42)
    })

    const error = thrownBy(() => run(withHandler(resumesWrong, failing("original"))))

    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toContain("42")
    expect(((error as Error).cause as Error).message).toBe("original")
  })
})

describe("guard, bypass and once", () => {
  it("guard: an error inside an enrichment handler is not enriched again, and each handler is called once", () => {
    const calls: string[] = []
    const helperFails = fn(function* helperFails() {
      throw new Error("inside the enricher")
    })
    const enricherCallsFailingProgram = handler(function* enricher(eff) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      calls.push("inner")
      yield* helperFails() // a program frame failing during the dispatch: thrown directly
      return yield* Pass()
    })

    const error = thrownBy(() =>
      run(withHandlers([adding("outer", calls), enricherCallsFailingProgram], failing("original"))),
    )

    expect(calls).toEqual(["inner"])
    expect((error as Error).message).toBe("inside the enricher")
    expect(((error as Error).cause as Error).message).toBe("original")
    expect(getExecutionContext(error)).toBeUndefined()
  })

  it("bypass: an Interrupt is never enriched", () => {
    class Shutdown extends Interrupt {}
    const calls: string[] = []
    const interrupted = program(function* interrupted() {
      throw new Shutdown("stop now")
    })

    const error = thrownBy(() => run(withHandler(adding("outer", calls), interrupted)))

    expect(error).toBeInstanceOf(Shutdown)
    expect(calls).toEqual([])
    expect(getExecutionContext(error)).toBeUndefined()
  })

  it("bypass: an Interrupt a handler throws into a frame is never enriched", () => {
    class Shutdown extends Interrupt {}
    class Halt extends Effect<never> {}
    const halts = handler((_eff: Halt, k) => ResumeThrow(k, new Shutdown("halt")), {
      handles: [Halt],
    })
    const inner = fn(function* inner() {
      return yield* new Halt()
    })
    const outer = program(function* outer() {
      return yield* inner()
    })

    const calls: string[] = []
    const error = thrownBy(() =>
      run(withHandler(adding("outer", calls), withHandler(halts, outer))),
    )

    expect(error).toBeInstanceOf(Shutdown)
    expect(calls).toEqual([])
    expect(getExecutionContext(error)).toBeUndefined()
  })

  it("bypass: thrown values that are not objects are never enriched", () => {
    const calls: string[] = []
    for (const value of ["a string", 42, undefined, null]) {
      const throwsValue = program(function* throwsValue() {
        throw value
      })
      expect(thrownBy(() => run(withHandler(adding("outer", calls), throwsValue)))).toBe(value)
    }
    expect(calls).toEqual([])
  })

  it("once: an error is enriched at its origin, not again in each frame it unwinds through", () => {
    const calls: string[] = []
    const rethrows = fn(function* rethrows(inner: Program<unknown>) {
      try {
        return yield* inner
      } catch (error) {
        // biome-ignore lint/complexity/noUselessCatch: the point is a frame that catches and rethrows
        throw error
      }
    })
    const passesThrough = fn(function* passesThrough(inner: Program<unknown>) {
      return yield* inner
    })

    const error = thrownBy(() =>
      run(
        withHandler(
          adding("origin", calls),
          passesThrough(rethrows(passesThrough(rethrows(failing("deep"))))),
        ),
      ),
    )

    expect(calls).toEqual(["origin"])
    expect(kindsOf(error)).toEqual(["origin"])
  })
})

describe("GetExecutionContext performed by user code", () => {
  it("user code may perform GetExecutionContext and gets the context the handlers built", () => {
    const inspects = program(function* inspects() {
      const context = yield* new GetExecutionContext(new Error("probe"))
      return context.entries.map((e) => e.kind)
    })

    expect(run(withHandlers([adding("outer"), delegatingThenAdding("inner")], inspects))).toEqual([
      "outer",
      "inner",
    ])
  })

  it("GetExecutionContext performed with no handler evaluates to its own context, never unhandled", () => {
    const own = new ExecutionContext().add({ kind: "preset" })
    const inspects = program(function* inspects() {
      return yield* new GetExecutionContext(new Error("probe"), own)
    })

    expect(run(inspects)).toBe(own)
  })
})

describe("a handler that resumes the enrichment with Resume", () => {
  it("a non-tail Resume of the context also throws the original at the failing site", () => {
    const resumes = handler(function* resumes(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      eff.context.add({ kind: "non-tail" })
      return yield* Resume(k, eff.context)
    })

    const error = thrownBy(() => run(withHandler(resumes, failing("original"))))

    expect((error as Error).message).toBe("original")
    expect(kindsOf(error)).toEqual(["non-tail"])
  })
})
