import { describe, expect, it } from "vitest"
import {
  Effect,
  fn,
  handler,
  Pass,
  type Program,
  program,
  Resume,
  run,
  Transfer,
  UnhandledEffectError,
  withHandler,
  withHandlers,
  type Yielded,
} from "../src/index.js"

/** The effect the aborting handlers below answer by returning without resuming. */
class Stop extends Effect<never> {}

class Tick extends Effect<number> {}

class Log extends Effect<void> {
  constructor(readonly message: string) {
    super()
  }
}

/** Aborts the body with "aborted". */
const abortOnStop = handler(() => "aborted", { handles: [Stop] })

/** Collects Log messages into `into`. */
const collectLogs = (into: string[]) =>
  handler(
    (eff: Log, k) => {
      into.push(eff.message)
      return Transfer(k, undefined)
    },
    { handles: [Log] },
  )

/** A frame that runs `inner` inside try/finally and records its finally in `closed`. */
const level = fn(function* level(
  name: string,
  closed: string[],
  inner: Program<unknown>,
): Generator<Yielded, unknown> {
  try {
    return yield* inner
  } finally {
    closed.push(name)
  }
})

const stopHere = program(function* stopHere() {
  yield* new Stop()
  return "never reached"
})

describe("closing abandoned continuations", () => {
  it("abandoned frames are closed innermost first, each finally running exactly once", () => {
    const closed: string[] = []
    const body = level("outer", closed, level("middle", closed, level("inner", closed, stopHere)))

    expect(run(withHandler(abortOnStop, body))).toBe("aborted")
    expect(closed).toEqual(["inner", "middle", "outer"])
  })

  it("frames outside the aborting withHandler are not closed: they go on with the abort value", () => {
    const closed: string[] = []
    const main = program(function* main() {
      try {
        const value = yield* withHandler(abortOnStop, level("inside", closed, stopHere))
        closed.push(`main got ${String(value)}`)
        return value
      } finally {
        closed.push("main")
      }
    })

    expect(run(main)).toBe("aborted")
    expect(closed).toEqual(["inside", "main got aborted", "main"])
  })

  it("a handler frame waiting inside the abandoned continuation is closed too", () => {
    const closed: string[] = []
    const resumeNonTail = handler(
      function* resumeNonTail(_eff, k) {
        try {
          return yield* Resume(k, 1)
        } finally {
          closed.push("resumeNonTail handler")
        }
      },
      { handles: [Tick] },
    )
    const tickThenStop = program(function* tickThenStop() {
      try {
        yield* new Tick()
        yield* new Stop()
        return "never reached"
      } finally {
        closed.push("body")
      }
    })

    expect(run(withHandler(abortOnStop, withHandler(resumeNonTail, tickThenStop)))).toBe("aborted")
    expect(closed).toEqual(["body", "resumeNonTail handler"])
  })
})

describe("finally blocks that perform effects while closing", () => {
  it("effects of a closing finally go to the handlers outside the aborting handler", () => {
    const outerLogs: string[] = []
    const seenByAborter: string[] = []
    const aborter = handler(
      (eff: Stop | Log) => {
        seenByAborter.push(eff.constructor.name)
        return "aborted"
      },
      { handles: [Stop, Log], name: "aborter" },
    )
    const body = program(function* logsWhileClosing() {
      try {
        yield* new Stop()
        return "never reached"
      } finally {
        yield* new Log("closing 1")
        yield* new Log("closing 2")
      }
    })

    expect(run(withHandlers([collectLogs(outerLogs), aborter], body))).toBe("aborted")
    expect(outerLogs).toEqual(["closing 1", "closing 2"])
    expect(seenByAborter).toEqual(["Stop"])
  })

  it("a closing finally receives the answers to its effects and runs to its end", () => {
    const steps: string[] = []
    const ticks = handler((_eff, k) => Transfer(k, 41), { handles: [Tick] })
    const body = program(function* readsWhileClosing() {
      try {
        yield* new Stop()
        return "never reached"
      } finally {
        const answer = yield* new Tick()
        steps.push(`finally got ${answer + 1}`)
      }
    })

    expect(run(withHandlers([ticks, abortOnStop], body))).toBe("aborted")
    expect(steps).toEqual(["finally got 42"])
  })

  it("an effect from a closing finally that only the aborting handler handles is unhandled there", () => {
    const aborter = handler(() => "aborted", { handles: [Stop, Log], name: "aborter" })
    let caughtInFinally: unknown
    const body = program(function* logsWhileClosing() {
      try {
        yield* new Stop()
        return "never reached"
      } finally {
        try {
          yield* new Log("nobody outside listens")
        } catch (error) {
          caughtInFinally = error
        }
      }
    })

    expect(run(withHandler(aborter, body))).toBe("aborted")
    expect(caughtInFinally).toBeInstanceOf(UnhandledEffectError)
  })

  it("an error thrown by a closing finally replaces the abort value", () => {
    const body = program(function* failsWhileClosing() {
      try {
        yield* new Stop()
        return "never reached"
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the test is about a finally that throws
        throw new Error("cleanup failed")
      }
    })
    const main = program(function* main() {
      try {
        const value = yield* withHandler(abortOnStop, body)
        return `returned ${String(value)}`
      } catch (error) {
        return `caught ${(error as Error).message}`
      }
    })

    expect(run(main)).toBe("caught cleanup failed")
  })

  it("after a finally throws, the remaining frames are still closed", () => {
    const closed: string[] = []
    const throwingLevel = fn(function* throwingLevel(inner: Program<unknown>) {
      try {
        return yield* inner
      } finally {
        closed.push("throwing")
        // biome-ignore lint/correctness/noUnsafeFinally: the test is about a finally that throws
        throw new Error("middle cleanup failed")
      }
    })
    const body = level("outer", closed, throwingLevel(level("inner", closed, stopHere)))

    expect(() => run(withHandler(abortOnStop, body))).toThrow("middle cleanup failed")
    expect(closed).toEqual(["inner", "throwing", "outer"])
  })

  it("when two closing finally blocks throw, the outer one's error wins, as in JS unwinding", () => {
    const failingLevel = fn(function* failingLevel(message: string, inner: Program<unknown>) {
      try {
        return yield* inner
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the test is about a finally that throws
        throw new Error(message)
      }
    })
    const body = failingLevel("outer failed", failingLevel("inner failed", stopHere))

    expect(() => run(withHandler(abortOnStop, body))).toThrow("outer failed")
  })
})

describe("closing in nested handlers", () => {
  it("an outer handler that aborts an effect a handler performs closes that handler and the body it held", () => {
    const closed: string[] = []
    const abortOnLog = handler(() => "aborted by the log handler", { handles: [Log] })
    const logsFirst = handler(
      function* logsFirst(_eff, k) {
        try {
          yield* new Log("before answering")
          return yield* Transfer(k, 0)
        } finally {
          closed.push("handler")
        }
      },
      { handles: [Tick] },
    )
    const body = program(function* tickInTry() {
      try {
        return yield* new Tick()
      } finally {
        closed.push("body")
      }
    })

    expect(run(withHandlers([abortOnLog, logsFirst], body))).toBe("aborted by the log handler")
    expect([...closed].sort()).toEqual(["body", "handler"])
  })

  it("an outer handler that aborts a passed effect closes the inner withHandler with the body", () => {
    const closed: string[] = []
    const declines = handler(
      function* declines() {
        try {
          return yield* Pass()
        } finally {
          closed.push("declining handler")
        }
      },
      { handles: [Stop] },
    )
    const main = program(function* main() {
      const inner = yield* withHandler(declines, level("body", closed, stopHere))
      closed.push("inner withHandler returned")
      return inner
    })

    expect(run(withHandler(abortOnStop, main))).toBe("aborted")
    expect(closed).toEqual(["declining handler", "body"])
  })

  it("a native generator delegated with yield* inside an abandoned frame has its finally run", () => {
    const closed: string[] = []
    function* nativeHelper(): Generator<Yielded, never> {
      try {
        return yield* new Stop()
      } finally {
        closed.push("native helper")
      }
    }
    const usesHelper = program(function* usesHelper() {
      try {
        return yield* nativeHelper()
      } finally {
        closed.push("program frame")
      }
    })

    expect(run(withHandler(abortOnStop, usesHelper))).toBe("aborted")
    expect(closed).toEqual(["native helper", "program frame"])
  })
})

describe("closing deep continuations", () => {
  it("aborting a continuation 1,000,000 frames deep runs every finally once, innermost first", () => {
    let closedCount = 0
    let lastClosedDepth = -1
    let innermostFirst = true
    const descend = fn(function* descendStep(depth: number): Generator<Yielded, never> {
      try {
        if (depth === 0) return yield* new Stop()
        return yield* descend(depth - 1)
      } finally {
        closedCount++
        if (depth !== lastClosedDepth + 1) innermostFirst = false
        lastClosedDepth = depth
      }
    })

    expect(run(withHandler(abortOnStop, descend(1_000_000)))).toBe("aborted")
    expect(closedCount).toBe(1_000_001)
    expect(innermostFirst).toBe(true)
  })
})

describe("aborts that reach a handler while it is being closed", () => {
  const abortOnLog = handler(() => "aborted by the log handler", { handles: [Log] })
  const tickInTry = (closed: string[]) =>
    program(function* tickInTry() {
      try {
        return yield* new Tick()
      } finally {
        closed.push("body")
      }
    })

  it("an outer abort during the finally of a handler that transferred k still closes the body", () => {
    const closed: string[] = []
    const transfersThenLogs = handler(
      function* transfersThenLogs(_eff, k) {
        try {
          return yield* Transfer(k, 1)
        } finally {
          closed.push("handler")
          yield* new Log("cleaning up after transfer")
        }
      },
      { handles: [Tick] },
    )

    expect(run(withHandlers([abortOnLog, transfersThenLogs], tickInTry(closed)))).toBe(
      "aborted by the log handler",
    )
    expect(closed).toEqual(["handler", "body"])
  })

  it("an outer abort during the finally of a handler that passed k still closes the body", () => {
    const closed: string[] = []
    const passesThenLogs = handler(
      function* passesThenLogs() {
        try {
          return yield* Pass()
        } finally {
          closed.push("handler")
          yield* new Log("cleaning up after pass")
        }
      },
      { handles: [Tick] },
    )
    const ticks = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })

    expect(run(withHandlers([abortOnLog, ticks, passesThenLogs], tickInTry(closed)))).toBe(
      "aborted by the log handler",
    )
    expect(closed).toEqual(["handler", "body"])
  })

  it("an outer abort during a closing finally of an inner abort still closes the outer frames", () => {
    const closed: string[] = []
    const main = program(function* main() {
      try {
        return yield* withHandler(
          abortOnStop,
          program(function* logsWhileClosing() {
            try {
              yield* new Stop()
              return "never reached"
            } finally {
              closed.push("inner body")
              yield* new Log("closing")
            }
          }),
        )
      } finally {
        closed.push("main")
      }
    })

    expect(run(withHandler(abortOnLog, main))).toBe("aborted by the log handler")
    expect(closed).toEqual(["inner body", "main"])
  })
})
