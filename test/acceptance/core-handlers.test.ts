// docs/semantics.md §3 (handlers) and the §9 handler helpers, checked black-box by package name.
import {
  Ask,
  ask,
  attempt,
  defaultHandlers,
  get,
  listen,
  local,
  log,
  modify,
  put,
  reader,
  state,
  tell,
  writer,
} from "@effvm/handlers"
import {
  ContinuationError,
  Delegate,
  Effect,
  fn,
  handler,
  Pass,
  program,
  Resume,
  ResumeThrow,
  run,
  Transfer,
  TransferThrow,
  UnhandledEffectError,
  withHandler,
  withHandlers,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Num extends Effect<number> {}
class SubNum extends Num {}
class Other extends Effect<string> {}
class Note extends Effect<void> {
  constructor(readonly text: string) {
    super()
  }
}

const answer = (v: number) =>
  handler((eff, k) => (eff instanceof Num ? Resume(k, v) : Pass()), { name: "answer" })

const performNum = program(function* () {
  return yield* new Num()
})

describe("§3 handler forms", () => {
  it("a generator handler answers with Transfer (the reader example of docs/semantics.md)", () => {
    const h = handler(function* numGen(eff, k) {
      if (eff instanceof Num) return yield* Transfer(k, 5)
      return yield* Pass()
    })
    expect(run(withHandler(h, performNum))).toBe(5)
  })

  it("a plain function handler may return a control value directly (fast path)", () => {
    expect(
      run(withHandler((eff, k) => (eff instanceof Num ? Resume(k, 8) : Pass()), performNum)),
    ).toBe(8)
  })

  it("a bare generator function is a handler too: withHandler(function* (eff, k) {...}, body)", () => {
    const p = program(function* () {
      return (yield* new Num()) + 1
    })
    const result = run(
      withHandler(function* bare(eff, k) {
        if (!(eff instanceof Num)) return yield* Pass()
        const r = yield* Resume(k, 2)
        return `post ${r}`
      }, p),
    )
    expect(result).toBe("post 3")
  })

  it("a fast-path handler may return ResumeThrow: the error is thrown at the perform site", () => {
    const err = new Error("fast throw")
    const p = program(function* () {
      try {
        return yield* new Num()
      } catch (e) {
        return e === err ? "caught" : "other"
      }
    })
    expect(
      run(withHandler((eff, k) => (eff instanceof Num ? ResumeThrow(k, err) : Pass()), p)),
    ).toBe("caught")
  })

  it("handles: [C] makes the machine skip the handler for other effects without calling it", () => {
    let calls = 0
    const onlyOther = handler(
      (_eff, k) => {
        calls++
        return Resume(k, "other")
      },
      { handles: [Other] },
    )
    const p = program(function* () {
      const n = yield* new Num()
      const s = yield* new Other()
      return `${n}${s}`
    })
    expect(run(withHandler(answer(1), withHandler(onlyOther, p)))).toBe("1other")
    expect(calls).toBe(1)
  })

  it("handles: [C] matches instances of subclasses of C", () => {
    const h = handler((_eff, k) => Resume(k, 77), { handles: [Num] })
    const p = program(function* () {
      return yield* new SubNum()
    })
    expect(run(withHandler(h, p))).toBe(77)
  })

  it("a handler's name is the name option, else f.name", () => {
    const named = handler(() => Pass(), { name: "explicitName" })
    function fnNamed(): ReturnType<typeof Pass> {
      return Pass()
    }
    let caught: unknown
    try {
      run(withHandlers([named, handler(fnNamed)], performNum))
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(UnhandledEffectError)
    const msg = (caught as Error).message
    expect(msg).toContain("explicitName")
    expect(msg).toContain("fnNamed")
  })

  it("withHandlers([outer, inner], body): the first is outermost", () => {
    const order: string[] = []
    const outer = handler((eff, k) => {
      order.push("outer")
      return eff instanceof Num ? Resume(k, 1) : Pass()
    })
    const inner = handler(() => {
      order.push("inner")
      return Pass()
    })
    expect(run(withHandlers([outer, inner], performNum))).toBe(1)
    expect(order).toEqual(["inner", "outer"])
  })

  it("handlers are deep: the handler stays installed for everything the resumed body performs later", () => {
    let calls = 0
    const h = handler((eff, k) => {
      if (!(eff instanceof Num)) return Pass()
      calls++
      return Resume(k, calls)
    })
    const p = program(function* () {
      const a = yield* new Num()
      const b = yield* new Num()
      const c = yield* new Num()
      return [a, b, c]
    })
    expect(run(withHandler(h, p))).toEqual([1, 2, 3])
    expect(calls).toBe(3)
  })
})

describe("§3 controls", () => {
  it("yield* Resume(k, v) evaluates to the body's final value, so the handler can post-process it", () => {
    const h = handler(function* post(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      const bodyResult = yield* Resume(k, 4)
      return `post:${bodyResult}`
    })
    const p = program(function* () {
      return (yield* new Num()) * 10
    })
    expect(run(withHandler(h, p))).toBe("post:40")
  })

  it("a loop of n performs answered by return yield* Resume(k, v) post-processes n times", () => {
    const h = handler(function* wrap(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      const r = (yield* Resume(k, 1)) as number
      return r + 100
    })
    const p = program(function* () {
      let s = 0
      for (let i = 0; i < 5; i++) s += yield* new Num()
      return s
    })
    expect(run(withHandler(h, p))).toBe(505)
  })

  it("Transfer(k, v): the body's final value becomes the withHandler value directly; handler code after it never runs", () => {
    let after = false
    const h = handler(function* tail(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      yield* Transfer(k, 3)
      after = true
      return "handler value"
    })
    const p = program(function* () {
      return `body:${yield* new Num()}`
    })
    expect(run(withHandler(h, p))).toBe("body:3")
    expect(after).toBe(false)
  })

  it("ResumeThrow(k, e) throws e at the perform site where try/catch catches it; the handler gets the body's value", () => {
    const err = new Error("resume-throw")
    const h = handler(function* rt(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      const r = yield* ResumeThrow(k, err)
      return `h:${r}`
    })
    const p = program(function* () {
      try {
        yield* new Num()
        return "not thrown"
      } catch (e) {
        return e === err ? "caught" : "other"
      }
    })
    expect(run(withHandler(h, p))).toBe("h:caught")
  })

  it("TransferThrow(k, e) throws e at the perform site; the body's value is the withHandler value", () => {
    const err = new Error("transfer-throw")
    const h = handler((eff, k) => (eff instanceof Num ? TransferThrow(k, err) : Pass()))
    const p = program(function* () {
      try {
        yield* new Num()
        return "not thrown"
      } catch (e) {
        return e === err ? "caught" : "other"
      }
    })
    expect(run(withHandler(h, p))).toBe("caught")
  })

  it("Pass(): the next outer handler receives the same effect and the same k; code after Pass never runs", () => {
    let innerEff: unknown
    let innerK: unknown
    let outerEff: unknown
    let outerK: unknown
    let afterPass = false
    const inner = handler(function* inner(eff, k) {
      innerEff = eff
      innerK = k
      yield* Pass()
      afterPass = true
      return 0
    })
    const outer = handler((eff, k) => {
      outerEff = eff
      outerK = k
      return eff instanceof Num ? Resume(k, 6) : Pass()
    })
    expect(run(withHandler(outer, withHandler(inner, performNum)))).toBe(6)
    expect(afterPass).toBe(false)
    expect(outerEff).toBe(innerEff)
    expect(outerK).toBe(innerK)
  })

  it("yield* Delegate() evaluates to the outer handlers' answer and the handler then resumes k itself", () => {
    const inner = handler(function* plusOne(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      const outerAnswer = (yield* Delegate()) as number
      return yield* Transfer(k, outerAnswer + 1)
    })
    expect(run(withHandler(answer(10), withHandler(inner, performNum)))).toBe(11)
  })

  it("return v without resuming aborts: v becomes the withHandler value and the body does not continue", () => {
    let continued = false
    const h = handler(function* abort(eff) {
      if (eff instanceof Num) return "aborted"
      return yield* Pass()
    })
    const p = program(function* () {
      yield* new Num()
      continued = true
      return "body"
    })
    expect(run(withHandler(h, p))).toBe("aborted")
    expect(continued).toBe(false)
  })

  it("an effect performed inside a handler goes to the handlers outside it; the resumed body sees this handler again", () => {
    const seen: string[] = []
    const outer = handler((eff, k) => {
      if (eff instanceof Num) {
        seen.push("outer")
        return Resume(k, 100)
      }
      return Pass()
    })
    const inner = handler(function* inner(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      seen.push("inner")
      const fromOuter = yield* new Num()
      return yield* Transfer(k, fromOuter + 1)
    })
    const p = program(function* () {
      const a = yield* new Num()
      const b = yield* new Num()
      return [a, b]
    })
    expect(run(withHandler(outer, withHandler(inner, p)))).toEqual([101, 101])
    expect(seen).toEqual(["inner", "outer", "inner", "outer"])
  })
})

describe("§3 one-shot continuations and closing", () => {
  it("a second resume of the same k throws ContinuationError (catchable) saying 'already resumed'", () => {
    let second: unknown
    const h = handler(function* twice(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      const r = yield* Resume(k, 1)
      try {
        yield* Resume(k, 2)
      } catch (e) {
        second = e
      }
      return r
    })
    expect(run(withHandler(h, performNum))).toBe(1)
    expect(second).toBeInstanceOf(ContinuationError)
    expect((second as Error).message).toContain("already resumed")
  })

  it("an abandoned continuation is closed innermost first, each finally exactly once", () => {
    const log: string[] = []
    const innerP = fn(function* innerP() {
      try {
        yield* new Num()
      } finally {
        log.push("inner finally")
      }
    })
    const outerP = fn(function* outerP() {
      try {
        yield* innerP()
      } finally {
        log.push("outer finally")
      }
    })
    const abort = handler((eff) => (eff instanceof Num ? "aborted" : Pass()))
    expect(run(withHandler(abort, outerP()))).toBe("aborted")
    expect(log).toEqual(["inner finally", "outer finally"])
  })

  it("finally blocks of an abandoned continuation may perform effects; they go to handlers outside the abandoning one", () => {
    const notes: string[] = []
    const outside = handler((eff, k) => {
      if (eff instanceof Note) {
        notes.push(`outside:${eff.text}`)
        return Resume(k, undefined)
      }
      return Pass()
    })
    const abandoning = handler((eff) => {
      if (eff instanceof Note) notes.push(`abandoning:${eff.text}`)
      return eff instanceof Num ? "aborted" : Pass()
    })
    const body = program(function* () {
      try {
        yield* new Num()
      } finally {
        yield* new Note("cleanup")
      }
    })
    expect(run(withHandler(outside, withHandler(abandoning, body)))).toBe("aborted")
    expect(notes).toEqual(["outside:cleanup"])
  })

  it("an error thrown by a finally of an abandoned continuation replaces the abort value; remaining frames are still closed", () => {
    const log: string[] = []
    const err = new Error("finally failed")
    const innerP = fn(function* innerP2() {
      try {
        yield* new Num()
      } finally {
        log.push("inner")
        // biome-ignore lint/correctness/noUnsafeFinally: the point of the test
        throw err
      }
    })
    const outerP = fn(function* outerP2() {
      try {
        yield* innerP()
      } finally {
        log.push("outer")
      }
    })
    const abort = handler((eff) => (eff instanceof Num ? "aborted" : Pass()))
    expect(() => run(withHandler(abort, outerP()))).toThrow(err)
    expect(log).toEqual(["inner", "outer"])
  })

  it("a handler that throws before consuming k throws into the perform site", () => {
    const err = new Error("handler threw early")
    const h = handler(function* early(eff) {
      if (eff instanceof Num) throw err
      return yield* Pass()
    })
    const p = program(function* () {
      try {
        yield* new Num()
        return "no"
      } catch (e) {
        return e === err ? "caught at perform site" : "other"
      }
    })
    expect(run(withHandler(h, p))).toBe("caught at perform site")
  })

  it("a fast-path handler that throws throws into the perform site", () => {
    const err = new Error("fast threw")
    const h = handler((eff) => {
      if (eff instanceof Num) throw err
      return Pass()
    })
    const p = program(function* () {
      try {
        yield* new Num()
        return "no"
      } catch (e) {
        return e === err ? "caught" : "other"
      }
    })
    expect(run(withHandler(h, p))).toBe("caught")
  })

  it("a handler that throws after consuming k: the error leaves the withHandler expression", () => {
    const err = new Error("handler threw late")
    const h = handler(function* late(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      yield* Resume(k, 1)
      throw err
    })
    let bodyCaught = false
    const body = program(function* () {
      try {
        return yield* new Num()
      } catch {
        bodyCaught = true
        return -1
      }
    })
    const outer = program(function* () {
      try {
        yield* withHandler(h, body)
        return "no"
      } catch (e) {
        return e === err ? "left withHandler" : "other"
      }
    })
    expect(run(outer)).toBe("left withHandler")
    expect(bodyCaught).toBe(false)
  })

  it("fast path: a returned Resume is a tail resume (the body's value is the withHandler value)", () => {
    const p = program(function* () {
      return `v${yield* new Num()}`
    })
    expect(run(withHandler(answer(2), p))).toBe("v2")
  })

  it("fast path: returning something that is not a control value aborts with that value", () => {
    let continued = false
    const h = handler((eff) => (eff instanceof Num ? { aborted: true } : Pass()))
    const p = program(function* () {
      yield* new Num()
      continued = true
      return { aborted: false }
    })
    expect(run(withHandler(h, p))).toEqual({ aborted: true })
    expect(continued).toBe(false)
  })

  it("fast path: returning Delegate() behaves like Pass()", () => {
    const inner = handler(() => Delegate())
    expect(run(withHandler(answer(12), withHandler(inner, performNum)))).toBe(12)
  })

  it("under a non-tail Resume, an error the body throws comes out of yield* Resume where try/catch handles it", () => {
    const err = new Error("body failed")
    const h = handler(function* guard(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      try {
        return yield* Resume(k, 1)
      } catch (e) {
        return e === err ? "handled in handler" : "other"
      }
    })
    const p = program(function* () {
      yield* new Num()
      throw err
    })
    expect(run(withHandler(h, p))).toBe("handled in handler")
  })

  it("under a non-tail Resume, an uncaught body error leaves the withHandler expression", () => {
    const err = new Error("body failed 2")
    const h = handler(function* plain(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      return yield* Resume(k, 1)
    })
    const p = program(function* () {
      yield* new Num()
      throw err
    })
    expect(() => run(withHandler(h, p))).toThrow(err)
  })

  it("a handler frame ended by Transfer is closed at once: its finally runs before the body continues, its effects go outside", () => {
    const log: string[] = []
    const outside = handler((eff, k) => {
      if (eff instanceof Note) {
        log.push(`outside:${eff.text}`)
        return Resume(k, undefined)
      }
      return Pass()
    })
    const h = handler(function* tx(eff, k) {
      if (eff instanceof Note) {
        log.push("self")
        return yield* Pass()
      }
      if (!(eff instanceof Num)) return yield* Pass()
      try {
        return yield* Transfer(k, 1)
      } finally {
        yield* new Note("handler finally")
      }
    })
    const p = program(function* () {
      yield* new Num()
      log.push("body continues")
      return "done"
    })
    expect(run(withHandler(outside, withHandler(h, p)))).toBe("done")
    expect(log).toEqual(["outside:handler finally", "body continues"])
  })

  it("a handler frame ended by Pass is closed at once: its finally runs before the outer handler answers", () => {
    const log: string[] = []
    const inner = handler(function* passer(eff) {
      try {
        return yield* Pass()
      } finally {
        log.push(`passer finally (${eff instanceof Num})`)
      }
    })
    const outer = handler((eff, k) => {
      log.push("outer")
      return eff instanceof Num ? Resume(k, 3) : Pass()
    })
    expect(run(withHandler(outer, withHandler(inner, performNum)))).toBe(3)
    expect(log).toEqual(["passer finally (true)", "outer"])
  })
})

describe("§3 unhandled effects", () => {
  it("raises UnhandledEffectError at the perform site: catchable, .effect is the effect", () => {
    const eff = new Num()
    const p = program(function* () {
      try {
        yield* eff
        return undefined
      } catch (e) {
        return e
      }
    })
    const e = run(p) as UnhandledEffectError
    expect(e).toBeInstanceOf(UnhandledEffectError)
    expect(e.effect).toBe(eff)
  })

  it("the message names the effect's class and the handlers in scope, innermost first", () => {
    const outerH = handler(() => Pass(), { name: "outerHandlerName" })
    const innerH = handler(() => Pass(), { name: "innerHandlerName" })
    let caught: unknown
    try {
      run(
        withHandlers(
          [outerH, innerH],
          program(function* () {
            return yield* new Other()
          }),
        ),
      )
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(UnhandledEffectError)
    const msg = (caught as Error).message
    expect(msg).toContain("Other")
    expect(msg.indexOf("innerHandlerName")).toBeGreaterThanOrEqual(0)
    expect(msg.indexOf("innerHandlerName")).toBeLessThan(msg.indexOf("outerHandlerName"))
  })

  it("Pass() with no outer handler raises UnhandledEffectError", () => {
    const h = handler(function* passes() {
      return yield* Pass()
    })
    expect(() => run(withHandler(h, performNum))).toThrow(UnhandledEffectError)
  })

  it("Delegate() with no outer handler raises UnhandledEffectError", () => {
    const h = handler(function* delegates(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      const v = yield* Delegate()
      return yield* Transfer(k, v)
    })
    expect(() => run(withHandler(h, performNum))).toThrow(UnhandledEffectError)
  })
})

describe("§9 built-in handlers and helpers", () => {
  it("reader(env) answers ask(key) and Ask; local(env, program) overrides for the program only", () => {
    const p = program(function* () {
      const a = yield* ask<string>("who")
      const b = yield* local(
        { who: "inner" },
        program(function* () {
          return yield* new Ask<string>("who")
        }),
      )
      const c = yield* ask<string>("who")
      return [a, b, c]
    })
    expect(run(withHandler(reader({ who: "outer" }), p))).toEqual(["outer", "inner", "outer"])
  })

  it("state(initial): get, put, modify", () => {
    const p = program(function* () {
      const a = yield* get<number>("n")
      yield* put("n", a + 1)
      const m = yield* modify<number>("n", (x) => x * 10)
      const b = yield* get<number>("n")
      return [a, m, b]
    })
    const [a, m, b] = run(withHandler(state({ n: 1 }), p)) as number[]
    expect(a).toBe(1)
    expect(b).toBe(20)
    expect([10, 20]).toContain(m)
  })

  it("listen(program) returns [result, told] with what the program told", () => {
    const p = program(function* () {
      yield* tell("before")
      const r = yield* listen(
        program(function* () {
          yield* tell("a")
          yield* tell("b")
          return 42
        }),
      )
      return r
    })
    expect(run(withHandler(writer(), p))).toEqual([42, ["a", "b"]])
  })

  it("attempt(program) returns { ok: true, value } or { ok: false, error }", () => {
    const err = new Error("attempted")
    const p = program(function* () {
      const good = yield* attempt(
        program(function* () {
          return 1
        }),
      )
      const bad = yield* attempt(
        program(function* () {
          throw err
        }),
      )
      return [good, bad]
    })
    expect(run(p)).toStrictEqual([
      { ok: true, value: 1 },
      { ok: false, error: err },
    ])
    const [, bad] = run(p) as [unknown, { error: unknown }]
    expect(bad.error).toBe(err)
  })

  it("local, listen and attempt run their program at the perform site, seeing every handler in between", () => {
    const between = handler((eff, k) => (eff instanceof Num ? Resume(k, 9) : Pass()))
    const inner = program(function* () {
      yield* tell("t")
      return yield* new Num()
    })
    const p = withHandler(
      between,
      program(function* () {
        const l = yield* local({}, inner)
        const [r] = yield* listen(inner)
        const a = yield* attempt(inner)
        return [l, r, a]
      }),
    )
    expect(run(withHandler(writer(), p))).toEqual([9, 9, { ok: true, value: 9 }])
  })

  it("defaultHandlers({ env, state }) is a list for withHandlers that answers ask, get/put, tell and log", () => {
    const p = program(function* () {
      const who = yield* ask<string>("who")
      yield* put("n", 2)
      const n = yield* get<number>("n")
      yield* tell("told")
      yield* log("hello from log")
      return `${who}${n}`
    })
    const list = defaultHandlers({ env: { who: "x" }, state: { n: 1 } })
    expect(Array.isArray(list)).toBe(true)
    expect(run(withHandlers(list, p))).toBe("x2")
  })
})
