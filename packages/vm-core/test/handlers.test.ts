import { describe, expect, it } from "vitest"
import {
  type Continuation,
  type Control,
  Delegate,
  Effect,
  handler,
  Pass,
  type Program,
  program,
  Resume,
  ResumeThrow,
  run,
  Transfer,
  TransferThrow,
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

/** A subclass, to show that `handles: [Ask]` also matches it. */
class AskNumber extends Ask<number> {}

class Log extends Effect<void> {
  constructor(readonly message: string) {
    super()
  }
}

class Tick extends Effect<number> {}

class Fork extends Effect<void> {
  constructor(readonly child: Program<string>) {
    super()
  }
}

class Yield extends Effect<void> {}

/** Collects every Log message into `into` and resumes with nothing. */
const collectLogs = (into: string[]) =>
  handler(
    (eff: Log, k) => {
      into.push(eff.message)
      return Transfer(k, undefined)
    },
    { handles: [Log] },
  )

/** A control value seen as non-terminal, so the test can show the code after it never runs. */
function asUnknown(control: Control<never>): Control<unknown> {
  return control
}

const tickTwice = program(function* tickTwice() {
  const a = yield* new Tick()
  const b = yield* new Tick()
  return a + b
})

describe("Resume", () => {
  it("yield* Resume(k, v) evaluates to the body's final value", () => {
    const recorded: unknown[] = []
    const recorder = handler(
      function* recorder(_eff, k) {
        const final = yield* Resume(k, 10)
        recorded.push(final)
        return final
      },
      { handles: [Tick] },
    )
    const body = program(function* addOne() {
      const x = yield* new Tick()
      return x + 1
    })

    expect(run(withHandler(recorder, body))).toBe(11)
    expect(recorded).toEqual([11])
  })

  it("a handler post-processes the body's final value after Resume", () => {
    const exclaim = handler(
      function* exclaim(_eff, k) {
        const final = yield* Resume(k, 20)
        return `${String(final)}!`
      },
      { handles: [Tick] },
    )
    const body = program(function* describeTick() {
      const x = yield* new Tick()
      return `tick ${x}`
    })

    expect(run(withHandler(exclaim, body))).toBe("tick 20!")
  })

  it("each non-tail Resume keeps its handler frame until the body ends, latest perform first", () => {
    let invocation = 0
    const stamp = handler(
      function* stamp(_eff, k) {
        const mine = ++invocation
        const final = yield* Resume(k, mine)
        return `${String(final)}<${mine}`
      },
      { handles: [Tick] },
    )
    const body = program(function* tickThrice() {
      const a = yield* new Tick()
      const b = yield* new Tick()
      const c = yield* new Tick()
      return `body(${a}${b}${c})`
    })

    expect(run(withHandler(stamp, body))).toBe("body(123)<3<2<1")
  })
})

describe("Transfer", () => {
  it("Transfer makes the body's final value the withHandler value directly", () => {
    const answerFive = handler(
      function* answerFive(_eff, k) {
        return yield* Transfer(k, 5)
      },
      { handles: [Tick] },
    )
    const body = program(function* doubleTick() {
      const x = yield* new Tick()
      return x * 2
    })
    const outer = program(function* outer() {
      const inner = yield* withHandler(answerFive, body)
      return `withHandler gave ${inner}`
    })

    expect(run(outer)).toBe("withHandler gave 10")
  })

  it("handler code after yield* Transfer never runs", () => {
    let reachedAfterTransfer = false
    const tailResumer = handler(
      function* tailResumer(_eff, k) {
        yield* asUnknown(Transfer(k, 1))
        reachedAfterTransfer = true
        return "handler value"
      },
      { handles: [Tick] },
    )

    expect(run(withHandler(tailResumer, tickTwice))).toBe(2)
    expect(reachedAfterTransfer).toBe(false)
  })
})

describe("ResumeThrow and TransferThrow", () => {
  const guarded = program(function* guarded() {
    try {
      const value = yield* new Ask<string>("secret")
      return `read ${value}`
    } catch (error) {
      return `caught ${(error as Error).message}`
    }
  })

  it("ResumeThrow throws at the perform site, where try/catch catches it", () => {
    const finals: unknown[] = []
    const deny = handler(
      function* deny(_eff, k) {
        const final = yield* ResumeThrow(k, new Error("denied"))
        finals.push(final)
        return final
      },
      { handles: [Ask] },
    )

    expect(run(withHandler(deny, guarded))).toBe("caught denied")
    expect(finals).toEqual(["caught denied"])
  })

  it("TransferThrow throws at the perform site, where try/catch catches it", () => {
    const deny = handler(
      function* deny(_eff, k) {
        return yield* TransferThrow(k, new Error("denied at once"))
      },
      { handles: [Ask] },
    )

    expect(run(withHandler(deny, guarded))).toBe("caught denied at once")
  })

  it("an error from TransferThrow that the body does not catch leaves the withHandler expression", () => {
    const unguarded = program(function* unguarded() {
      const value = yield* new Ask<string>("secret")
      return `read ${value}`
    })
    const deny = handler((_eff, k) => TransferThrow(k, new Error("nobody catches this")), {
      handles: [Ask],
    })
    const outer = program(function* outer() {
      try {
        return yield* withHandler(deny, unguarded)
      } catch (error) {
        return `outside: ${(error as Error).message}`
      }
    })

    expect(run(outer)).toBe("outside: nobody catches this")
  })

  it("an error from ResumeThrow that the body does not catch comes back out of yield* ResumeThrow", () => {
    const unguarded = program(function* unguarded() {
      const value = yield* new Ask<string>("secret")
      return `read ${value}`
    })
    const denyThenRecover = handler(
      function* denyThenRecover(_eff, k) {
        try {
          return yield* ResumeThrow(k, new Error("denied"))
        } catch (error) {
          return `handler caught ${(error as Error).message}`
        }
      },
      { handles: [Ask] },
    )

    expect(run(withHandler(denyThenRecover, unguarded))).toBe("handler caught denied")
  })
})

describe("Pass", () => {
  it("Pass hands the same k to the outer handler", () => {
    const seen: { effect: unknown; k: Continuation<unknown> }[] = []
    const declines = handler(
      function* declines(eff, k) {
        seen.push({ effect: eff, k })
        return yield* Pass()
      },
      { handles: [Tick] },
    )
    const answers = handler(
      function* answers(eff, k) {
        seen.push({ effect: eff, k })
        return yield* Transfer(k, 7)
      },
      { handles: [Tick] },
    )
    const body = program(function* askOnce() {
      return yield* new Tick()
    })

    expect(run(withHandlers([answers, declines], body))).toBe(7)
    expect(seen).toHaveLength(2)
    expect(seen[1]!.effect).toBe(seen[0]!.effect)
    expect(seen[1]!.k).toBe(seen[0]!.k)
  })

  it("code after yield* Pass() never runs", () => {
    let reachedAfterPass = false
    const declines = handler(
      function* declines() {
        yield* asUnknown(Pass())
        reachedAfterPass = true
        return "declined"
      },
      { handles: [Tick] },
    )
    const answers = handler((_eff, k) => Transfer(k, 3), { handles: [Tick] })

    expect(run(withHandlers([answers, declines], tickTwice))).toBe(6)
    expect(reachedAfterPass).toBe(false)
  })
})

describe("Delegate", () => {
  it("yield* Delegate() evaluates to the outer answer and the handler then resumes k itself", () => {
    const outer = handler((_eff: Ask<unknown>, k) => Transfer(k, "base"), { handles: [Ask] })
    const decorate = handler(
      function* decorate(_eff: Ask<unknown>, k) {
        const answer = yield* Delegate()
        return yield* Transfer(k, `${String(answer)}+decorated`)
      },
      { handles: [Ask] },
    )
    const body = program(function* askName() {
      return yield* new Ask<string>("name")
    })

    expect(run(withHandlers([outer, decorate], body))).toBe("base+decorated")
  })

  it("a chain of three handlers delegates outwards and each post-processes answer and result", () => {
    const answersO = handler(
      function* answersO(_eff: Ask<unknown>, k) {
        const final = yield* Resume(k, "o")
        return `${String(final)}<o`
      },
      { handles: [Ask] },
    )
    const delegating = (name: string) =>
      handler(
        function* delegates(_eff: Ask<unknown>, k) {
          const answer = yield* Delegate()
          const final = yield* Resume(k, `${String(answer)}>${name}`)
          return `${String(final)}<${name}`
        },
        { handles: [Ask], name },
      )
    const body = program(function* askPath() {
      const path = yield* new Ask<string>("path")
      return `body(${path})`
    })

    expect(run(withHandlers([answersO, delegating("m"), delegating("i")], body))).toBe(
      "body(o>m>i)<i<m<o",
    )
  })

  it("an error the outer handler throws with ResumeThrow comes out of yield* Delegate(), where try/catch handles it", () => {
    const refuses = handler(
      (_eff: Ask<unknown>, k) => TransferThrow(k, new Error("outer refused")),
      { handles: [Ask] },
    )
    const fallsBack = handler(
      function* fallsBack(_eff: Ask<unknown>, k) {
        try {
          const answer = yield* Delegate()
          return yield* Transfer(k, answer)
        } catch (error) {
          return yield* Transfer(k, `fallback after ${(error as Error).message}`)
        }
      },
      { handles: [Ask] },
    )
    const body = program(function* askName() {
      return yield* new Ask<string>("name")
    })

    expect(run(withHandlers([refuses, fallsBack], body))).toBe("fallback after outer refused")
  })

  it("when the outer handler aborts a Delegate, the delegating handler and its body are closed", () => {
    const closed: string[] = []
    const outerAborts = handler(() => "outer aborted", { handles: [Ask] })
    const delegates = handler(
      function* delegates(_eff: Ask<unknown>, k) {
        try {
          const answer = yield* Delegate()
          return yield* Transfer(k, answer)
        } finally {
          closed.push("delegating handler")
        }
      },
      { handles: [Ask] },
    )
    const body = program(function* askName() {
      try {
        return yield* new Ask<string>("name")
      } finally {
        closed.push("body")
      }
    })

    expect(run(withHandlers([outerAborts, delegates], body))).toBe("outer aborted")
    expect([...closed].sort()).toEqual(["body", "delegating handler"])
  })
})

describe("abort by return", () => {
  it("returning without resuming makes the value the withHandler result and skips the rest of the body", () => {
    const steps: string[] = []
    const abort = handler(
      function* abort() {
        return "aborted"
      },
      { handles: [Tick] },
    )
    const body = program(function* interrupted() {
      try {
        steps.push("before perform")
        yield* new Tick()
        steps.push("after perform")
        return "finished"
      } finally {
        steps.push("finally")
      }
    })

    expect(run(withHandler(abort, body))).toBe("aborted")
    expect(steps).toEqual(["before perform", "finally"])
  })

  it("an abort under a non-tail Resume of the same handler becomes what yield* Resume evaluates to", () => {
    const finals: unknown[] = []
    let calls = 0
    const resumeThenAbort = handler(
      function* resumeThenAbort(_eff, k) {
        calls++
        if (calls === 2) return "aborted second perform"
        const final = yield* Resume(k, 1)
        finals.push(final)
        return `post-processed ${String(final)}`
      },
      { handles: [Tick] },
    )

    expect(run(withHandler(resumeThenAbort, tickTwice))).toBe(
      "post-processed aborted second perform",
    )
    expect(finals).toEqual(["aborted second perform"])
  })
})

describe("self-exclusion", () => {
  it("a handler performing the effect it handles reaches the outer handler", () => {
    const outerLogs: string[] = []
    let innerCalls = 0
    const prefixer = handler(
      function* prefixer(eff: Log, k) {
        innerCalls++
        yield* new Log(`inner saw "${eff.message}"`)
        return yield* Transfer(k, undefined)
      },
      { handles: [Log] },
    )
    const body = program(function* logHello() {
      yield* new Log("hello")
      return "done"
    })

    expect(run(withHandlers([collectLogs(outerLogs), prefixer], body))).toBe("done")
    expect(innerCalls).toBe(1)
    expect(outerLogs).toEqual(['inner saw "hello"'])
  })

  it("after performing outwards, the handler is still installed for the resumed body", () => {
    const outerLogs: string[] = []
    const prefixer = handler(
      function* prefixer(eff: Log, k) {
        yield* new Log(`[inner] ${eff.message}`)
        return yield* Transfer(k, undefined)
      },
      { handles: [Log] },
    )
    const body = program(function* logTwice() {
      yield* new Log("one")
      yield* new Log("two")
      return "done"
    })

    run(withHandlers([collectLogs(outerLogs), prefixer], body))

    expect(outerLogs).toEqual(["[inner] one", "[inner] two"])
  })

  it("a handler's effects after a non-tail Resume also go to the handlers outside it", () => {
    const outerLogs: string[] = []
    const seenByInner: string[] = []
    const postLogger = handler(
      function* postLogger(eff: Tick | Log, k) {
        seenByInner.push(eff.constructor.name)
        const final = yield* Resume(k, 5)
        yield* new Log(`body finished with ${String(final)}`)
        return final
      },
      { handles: [Tick, Log] },
    )
    const body = program(function* tickOnce() {
      return yield* new Tick()
    })

    expect(run(withHandlers([collectLogs(outerLogs), postLogger], body))).toBe(5)
    expect(outerLogs).toEqual(["body finished with 5"])
    expect(seenByInner).toEqual(["Tick"])
  })
})

describe("deep handlers", () => {
  it("one handler answers three performs", () => {
    let calls = 0
    const counter = handler((_eff, k) => Transfer(k, ++calls), { handles: [Tick] })
    const body = program(function* tickThrice() {
      const a = yield* new Tick()
      const b = yield* new Tick()
      const c = yield* new Tick()
      return [a, b, c]
    })

    expect(run(withHandler(counter, body))).toEqual([1, 2, 3])
    expect(calls).toBe(3)
  })

  it("a handler that resumed non-tail still answers the body's later performs", () => {
    let calls = 0
    const counter = handler(
      function* counter(_eff, k) {
        calls++
        return yield* Resume(k, calls * 10)
      },
      { handles: [Tick] },
    )
    const body = program(function* tickThrice() {
      const a = yield* new Tick()
      const b = yield* new Tick()
      const c = yield* new Tick()
      return a + b + c
    })

    expect(run(withHandler(counter, body))).toBe(60)
    expect(calls).toBe(3)
  })
})

describe("handles", () => {
  it("a handler is skipped without being called for effects it does not declare", () => {
    let askCalls = 0
    const onlyAsk = handler(
      (_eff: Ask<unknown>, k) => {
        askCalls++
        return Transfer(k, "asked")
      },
      { handles: [Ask] },
    )
    const ticks = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })

    expect(run(withHandlers([ticks, onlyAsk], tickTwice))).toBe(2)
    expect(askCalls).toBe(0)
  })

  it("handles: [C] also matches instances of subclasses of C", () => {
    const received: unknown[] = []
    const onlyAsk = handler(
      (eff: Ask<unknown>, k) => {
        received.push(eff)
        return Transfer(k, 42)
      },
      { handles: [Ask] },
    )
    const body = program(function* askNumber() {
      return yield* new AskNumber("n")
    })

    expect(run(withHandler(onlyAsk, body))).toBe(42)
    expect(received).toHaveLength(1)
    expect(received[0]).toBeInstanceOf(AskNumber)
  })
})

describe("fast path", () => {
  it("a fast-path handler's Resume is a tail resume: the body's value is the result", () => {
    const fastResume = handler((_eff, k) => Resume(k, 4), { handles: [Tick] })

    expect(run(withHandler(fastResume, tickTwice))).toBe(8)
  })

  it("a fast-path handler returning a non-control value aborts with that value", () => {
    const steps: string[] = []
    const abort = handler(() => "aborted by fast path", { handles: [Tick] })
    const body = program(function* interrupted() {
      try {
        yield* new Tick()
        steps.push("after perform")
        return "finished"
      } finally {
        steps.push("finally")
      }
    })

    expect(run(withHandler(abort, body))).toBe("aborted by fast path")
    expect(steps).toEqual(["finally"])
  })

  it("Delegate returned from a fast-path handler acts like Pass", () => {
    const seen: Continuation<unknown>[] = []
    const fastDelegate = handler(
      (_eff, k) => {
        seen.push(k)
        return Delegate()
      },
      { handles: [Tick] },
    )
    const outer = handler(
      (_eff, k) => {
        seen.push(k)
        return Transfer(k, 9)
      },
      { handles: [Tick] },
    )
    const body = program(function* askOnce() {
      return yield* new Tick()
    })

    expect(run(withHandlers([outer, fastDelegate], body))).toBe(9)
    expect(seen).toHaveLength(2)
    expect(seen[1]).toBe(seen[0])
  })
})

describe("errors under a non-tail Resume", () => {
  const failsAfterPerform = program(function* failsAfterPerform() {
    yield* new Tick()
    throw new Error("body failed")
  })

  it("an error the body throws comes out of yield* Resume in the handler, where try/catch handles it", () => {
    const recover = handler(
      function* recover(_eff, k) {
        try {
          return yield* Resume(k, 1)
        } catch (error) {
          return `recovered from ${(error as Error).message}`
        }
      },
      { handles: [Tick] },
    )

    expect(run(withHandler(recover, failsAfterPerform))).toBe("recovered from body failed")
  })

  it("an error the body throws that the handler does not catch leaves the withHandler expression", () => {
    const handlerSteps: string[] = []
    const passive = handler(
      function* passive(_eff, k) {
        try {
          return yield* Resume(k, 1)
        } finally {
          handlerSteps.push("handler finally")
        }
      },
      { handles: [Tick] },
    )
    const outer = program(function* outer() {
      try {
        return yield* withHandler(passive, failsAfterPerform)
      } catch (error) {
        return `outside: ${(error as Error).message}`
      }
    })

    expect(run(outer)).toBe("outside: body failed")
    expect(handlerSteps).toEqual(["handler finally"])
  })
})

describe("handler frames ended by Transfer or Pass", () => {
  it("Transfer closes the handler frame at once: its finally runs before the body goes on, its effects go outside", () => {
    const events: string[] = []
    const effectsSeenByInner: string[] = []
    const tidy = handler(
      function* tidy(eff, k) {
        effectsSeenByInner.push(eff.constructor.name)
        try {
          return yield* Transfer(k, 1)
        } finally {
          yield* new Log("tidy cleaned up")
        }
      },
      { handles: [Tick, Log] },
    )
    const body = program(function* tickThenNote() {
      const x = yield* new Tick()
      events.push(`body resumed with ${x}`)
      return x
    })

    expect(run(withHandlers([collectLogs(events), tidy], body))).toBe(1)
    expect(events).toEqual(["tidy cleaned up", "body resumed with 1"])
    expect(effectsSeenByInner).toEqual(["Tick"])
  })

  it("Pass closes the handler frame at once: its finally runs before the outer handler, its effects go outside", () => {
    const events: string[] = []
    const effectsSeenByInner: string[] = []
    const declines = handler(
      function* declines(eff) {
        effectsSeenByInner.push(eff.constructor.name)
        try {
          return yield* Pass()
        } finally {
          yield* new Log("declines cleaned up")
        }
      },
      { handles: [Tick, Log] },
    )
    const ticks = handler(
      (_eff, k) => {
        events.push("outer handler got Tick")
        return Transfer(k, 2)
      },
      { handles: [Tick] },
    )
    const body = program(function* tickOnce() {
      return yield* new Tick()
    })

    expect(run(withHandlers([collectLogs(events), ticks, declines], body))).toBe(2)
    expect(events).toEqual(["declines cleaned up", "outer handler got Tick"])
    expect(effectsSeenByInner).toEqual(["Tick"])
  })
})

describe("withHandlers", () => {
  const named = (name: string, order: string[]) =>
    handler(
      (_eff: Tick, k) => {
        order.push(name)
        return name === "first" ? Transfer(k, 1) : Pass()
      },
      { handles: [Tick], name },
    )
  const tickOnce = program(function* tickOnce() {
    return yield* new Tick()
  })

  it("withHandlers installs the first handler outermost", () => {
    const order: string[] = []

    run(
      withHandlers(
        [named("first", order), named("second", order), named("third", order)],
        tickOnce,
      ),
    )

    expect(order).toEqual(["third", "second", "first"])
  })

  it("run's handlers option installs the first handler outermost", () => {
    const order: string[] = []

    run(tickOnce, {
      handlers: [named("first", order), named("second", order), named("third", order)],
    })

    expect(order).toEqual(["third", "second", "first"])
  })
})

describe("handler names", () => {
  const askMissing = program(function* askMissing() {
    return yield* new Ask<string>("missing")
  })

  it("handler(f, { name }) gives the handler its name in messages", () => {
    const ticks = handler((_eff, k) => Transfer(k, 0), { handles: [Tick], name: "tickSource" })

    expect(() => run(untracked(withHandler(ticks, askMissing)))).toThrow(/tickSource/)
  })

  it("without a name option a handler is named after its function", () => {
    const ticks = handler(
      function* answerTicksByFunction(_eff, k) {
        return yield* Transfer(k, 0)
      },
      { handles: [Tick] },
    )

    expect(() => run(untracked(withHandler(ticks, askMissing)))).toThrow(/answerTicksByFunction/)
  })

  it("the name option wins over the function's name", () => {
    const ticks = handler(
      function* functionName(_eff, k) {
        return yield* Transfer(k, 0)
      },
      { handles: [Tick], name: "optionName" },
    )

    let message = ""
    try {
      run(untracked(withHandler(ticks, askMissing)))
    } catch (error) {
      expect(error).toBeInstanceOf(UnhandledEffectError)
      message = (error as Error).message
    }
    expect(message).toContain("optionName")
    expect(message).not.toContain("functionName")
  })
})

describe("continuations held by a handler", () => {
  it("a handler may transfer another continuation it holds; its own k waits with whoever it gave it to", () => {
    const events: string[] = []
    const waiting: Continuation<unknown>[] = []
    const scheduler = handler(
      function* roundRobin(eff: Fork | Yield, k): Generator<Yielded, unknown> {
        if (eff instanceof Fork) {
          waiting.push(k)
          yield* withHandler(scheduler, eff.child)
          return yield* Transfer(waiting.shift()!, undefined)
        }
        const next = waiting.shift()!
        waiting.push(k)
        return yield* Transfer(next, undefined)
      },
      { handles: [Fork, Yield], name: "roundRobin" },
    )
    const child = program(function* child() {
      events.push("child 1")
      yield* new Yield()
      events.push("child 2")
      return "child done"
    })
    const main = program(function* main() {
      events.push("main 1")
      yield* new Fork(child)
      events.push("main 2")
      yield* new Yield()
      events.push("main 3")
      return "main done"
    })

    expect(run(withHandler(scheduler, main))).toBe("main done")
    expect(events).toEqual(["main 1", "child 1", "main 2", "child 2", "main 3"])
    expect(waiting).toEqual([])
  })
})
