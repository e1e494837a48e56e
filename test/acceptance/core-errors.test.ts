// docs/semantics.md §5: Python-style error dispatch and enrichment, checked black-box by package name.
import {
  Delegate,
  Effect,
  ExecutionContext,
  fn,
  GetExecutionContext,
  getExecutionContext,
  handler,
  Interrupt,
  Pass,
  program,
  Resume,
  ResumeThrow,
  run,
  Transfer,
  TransferThrow,
  withHandler,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Num extends Effect<number> {}

/** A catch-all enrichment handler adding `{ kind }` and counting its calls. */
const enricher = (kind: string, calls: { n: number } = { n: 0 }) =>
  handler(function* enrich(eff, k) {
    if (eff instanceof GetExecutionContext) {
      calls.n++
      eff.context.add({ kind })
      return yield* Resume(k, eff.context)
    }
    return yield* Pass()
  })

const failing = (err: unknown) =>
  fn(function* failingFrame() {
    throw err
  })()

const caughtFrom = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error("expected a throw")
}

describe("§5 GetExecutionContext and resume-as-throw", () => {
  it("GetExecutionContext has .error and .context (an ExecutionContext with entries and add)", () => {
    const err = new Error("x")
    let seenError: unknown
    let seenContext: unknown
    const h = handler(function* look(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      seenError = eff.error
      seenContext = eff.context
      return yield* Resume(k, eff.context)
    })
    caughtFrom(() => run(withHandler(h, failing(err))))
    expect(seenError).toBe(err)
    expect(seenContext).toBeInstanceOf(ExecutionContext)
    expect(Array.isArray((seenContext as ExecutionContext).entries)).toBe(true)
  })

  it("an entry a handler adds is attached to the error (same object), read by getExecutionContext", () => {
    const err = new Error("enriched")
    const caught = caughtFrom(() => run(withHandler(enricher("mine"), failing(err))))
    expect(caught).toBe(err)
    const ctx = getExecutionContext(caught)
    expect(ctx).toBeInstanceOf(ExecutionContext)
    expect(ctx!.entries).toContainEqual({ kind: "mine" })
  })

  it("after the dispatch resumes, the original error is thrown at the failing site where try/catch applies", () => {
    const err = new Error("site")
    const p = program(function* () {
      try {
        throw err
      } catch (e) {
        return e
      }
    })
    const child = fn(function* child() {
      throw err
    })
    const parent = program(function* () {
      try {
        yield* child()
        return "no"
      } catch (e) {
        return e === err && getExecutionContext(e)?.entries.some((x) => x.kind === "c")
      }
    })
    expect(run(withHandler(enricher("c"), p))).toBe(err)
    expect(run(withHandler(enricher("c"), parent))).toBe(true)
  })

  it("entries are an ordered list: Delegate() lets outer handlers enrich first", () => {
    const inner = handler(function* innerEnrich(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      const ctx = (yield* Delegate()) as ExecutionContext
      ctx.add({ kind: "inner" })
      return yield* Resume(k, ctx)
    })
    const err = new Error("ordered")
    caughtFrom(() => run(withHandler(enricher("outer"), withHandler(inner, failing(err)))))
    expect(getExecutionContext(err)!.entries.map((e) => e.kind)).toEqual(["outer", "inner"])
  })

  it("Pass() opts out: the outer handler still enriches", () => {
    const passer = handler(function* passer() {
      return yield* Pass()
    })
    const err = new Error("passed")
    caughtFrom(() => run(withHandler(enricher("outer"), withHandler(passer, failing(err)))))
    expect(getExecutionContext(err)!.entries).toContainEqual({ kind: "outer" })
  })
})

describe("§5 exhaustion, replacement, guard", () => {
  it("exhaustion: every handler passes, the original error is thrown unchanged", () => {
    const err = new Error("unchanged")
    const passer = handler(() => Pass())
    const caught = caughtFrom(() => run(withHandler(passer, failing(err))))
    expect(caught).toBe(err)
    expect((caught as Error).cause).toBeUndefined()
  })

  it("exhaustion: no handler installed, the original error is thrown unchanged", () => {
    const err = new Error("no handlers")
    expect(caughtFrom(() => run(failing(err)))).toBe(err)
  })

  it("exhaustion: a handler that returns without resuming leaves the original error unchanged", () => {
    const err = new Error("returned")
    const h = handler(function* returns(eff) {
      if (eff instanceof GetExecutionContext) return "ignored"
      return yield* Pass()
    })
    const caught = caughtFrom(() => run(withHandler(h, failing(err))))
    expect(caught).toBe(err)
  })

  it("a handler that throws while enriching: its error is thrown instead, with cause = the original", () => {
    const err = new Error("original")
    const enrichErr = new Error("enricher failed")
    const h = handler(function* bad(eff) {
      if (eff instanceof GetExecutionContext) throw enrichErr
      return yield* Pass()
    })
    const caught = caughtFrom(() => run(withHandler(h, failing(err))))
    expect(caught).toBe(enrichErr)
    expect((caught as Error).cause).toBe(err)
  })

  it("resuming with another Error object replaces the error, with cause = the original", () => {
    const err = new Error("original")
    const replacement = new Error("replacement")
    const h = handler(function* replace(eff, k) {
      if (eff instanceof GetExecutionContext) return yield* Resume(k, replacement)
      return yield* Pass()
    })
    const caught = caughtFrom(() => run(withHandler(h, failing(err))))
    expect(caught).toBe(replacement)
    expect((caught as Error).cause).toBe(err)
  })

  it("guard: an error inside an enrichment handler is thrown directly, no recursive dispatch", () => {
    const calls = { n: 0 }
    const err = new Error("original")
    const enrichErr = new Error("inner failure")
    const bad = handler(function* bad(eff) {
      if (eff instanceof GetExecutionContext) throw enrichErr
      return yield* Pass()
    })
    const caught = caughtFrom(() =>
      run(withHandler(enricher("outer", calls), withHandler(bad, failing(err)))),
    )
    expect(caught).toBe(enrichErr)
    // the outer enricher saw at most the original dispatch, never one for enrichErr
    expect(calls.n).toBe(0)
  })
})

let rethrows = 0

describe("§5 bypass and once", () => {
  it("bypass: instances of Interrupt are never enriched", () => {
    class Stop extends Interrupt {}
    const calls = { n: 0 }
    const stop = new Stop("stop")
    const caught = caughtFrom(() => run(withHandler(enricher("x", calls), failing(stop))))
    expect(caught).toBe(stop)
    expect(calls.n).toBe(0)
    expect(getExecutionContext(stop)).toBeUndefined()
  })

  it("bypass: thrown values that are not objects are never enriched", () => {
    const calls = { n: 0 }
    const caught = caughtFrom(() => run(withHandler(enricher("x", calls), failing("a string"))))
    expect(caught).toBe("a string")
    expect(calls.n).toBe(0)
  })

  it("once: an error is enriched at its origin, not again in each frame it unwinds through", () => {
    const calls = { n: 0 }
    const err = new Error("deep")
    const c = fn(function* c() {
      throw err
    })
    const b = fn(function* b() {
      return yield* c()
    })
    const a = fn(function* a() {
      try {
        return yield* b()
      } catch (e) {
        rethrows++
        throw e
      }
    })
    caughtFrom(() => run(withHandler(enricher("x", calls), a())))
    expect(rethrows).toBeGreaterThan(0)
    expect(calls.n).toBe(1)
    expect(getExecutionContext(err)!.entries).toEqual([{ kind: "x" }])
  })
})

describe("§5 sites", () => {
  it("errors thrown by handler code are not converted, nor when program frames rethrow them", () => {
    const calls = { n: 0 }
    const err = new Error("from handler")
    const h = handler((eff) => {
      if (eff instanceof Num) throw err
      return Pass()
    })
    const body = fn(function* rethrower() {
      try {
        return yield* new Num()
      } catch (e) {
        rethrows++
        throw e
      }
    })
    const caught = caughtFrom(() => run(withHandler(enricher("x", calls), withHandler(h, body()))))
    expect(caught).toBe(err)
    expect(calls.n).toBe(0)
    expect(getExecutionContext(err)).toBeUndefined()
  })

  it("errors thrown by ResumeThrow / TransferThrow are not converted", () => {
    const calls = { n: 0 }
    const e1 = new Error("rt")
    const e2 = new Error("tt")
    const rt = handler(function* rt(eff, k) {
      if (eff instanceof Num) return yield* ResumeThrow(k, e1)
      return yield* Pass()
    })
    const body = program(function* () {
      return yield* new Num()
    })
    caughtFrom(() => run(withHandler(enricher("x", calls), withHandler(rt, body))))
    expect(calls.n).toBe(0)
    expect(getExecutionContext(e1)).toBeUndefined()
    const ttThrow = handler((eff, k) => (eff instanceof Num ? TransferThrow(k, e2) : Pass()))
    caughtFrom(() => run(withHandler(enricher("x", calls), withHandler(ttThrow, body))))
    expect(calls.n).toBe(0)
    expect(getExecutionContext(e2)).toBeUndefined()
  })

  it("getExecutionContext of an error that was never enriched is undefined", () => {
    expect(getExecutionContext(new Error("plain"))).toBeUndefined()
  })

  it("user code may perform GetExecutionContext itself", () => {
    const err = new Error("asked")
    const p = program(function* () {
      const ctx = yield* new GetExecutionContext(err)
      return ctx
    })
    const ctx = run(withHandler(enricher("u"), p))
    expect(ctx).toBeInstanceOf(ExecutionContext)
    expect(ctx.entries).toContainEqual({ kind: "u" })
  })

  it("GetExecutionContext is never unhandled: with no handler it evaluates to its own context", () => {
    const eff = new GetExecutionContext(new Error("e"))
    const p = program(function* () {
      return yield* eff
    })
    expect(run(p)).toBe(eff.context)
  })

  it("GetExecutionContext delegated past the last handler evaluates to its own context", () => {
    const h = handler(function* del(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      const ctx = yield* Delegate()
      return yield* Transfer(k, ctx)
    })
    const eff = new GetExecutionContext(new Error("e"))
    expect(
      run(
        withHandler(
          h,
          program(function* () {
            return yield* eff
          }),
        ),
      ),
    ).toBe(eff.context)
  })

  it("machine effects reach catch-all handlers but skip handlers that declare handles", () => {
    let declared = 0
    const onlyNum = handler(
      (_e, k) => {
        declared++
        return Resume(k, 1)
      },
      { handles: [Num] },
    )
    const calls = { n: 0 }
    caughtFrom(() =>
      run(withHandler(enricher("x", calls), withHandler(onlyNum, failing(new Error("m"))))),
    )
    expect(declared).toBe(0)
    expect(calls.n).toBe(1)
  })
})

describe("§5 program construction", () => {
  it("an error thrown by a program's construction is converted and caught by the caller's try/catch", () => {
    const calls = { n: 0 }
    const err = new Error("construction failed")
    const boom = (): number => {
      throw err
    }
    const badDefault = fn(function* badDefault(x: number = boom()) {
      return x
    })
    const parent = program(function* () {
      try {
        yield* badDefault()
        return "no"
      } catch (e) {
        return e === err ? "caught" : "other"
      }
    })
    expect(run(withHandler(enricher("built", calls), parent))).toBe("caught")
    expect(calls.n).toBe(1)
    expect(getExecutionContext(err)!.entries).toContainEqual({ kind: "built" })
  })
})
