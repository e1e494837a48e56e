// docs/semantics.md §6 tracebacks: structure, Python layout, locations, silence of run/runAsync.
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import {
  awaitPromise,
  createPromise,
  gather,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "@effvm/scheduler"
import {
  Delegate,
  Effect,
  fn,
  formatTraceback,
  getTraceback,
  handler,
  Pass,
  program,
  run,
  runAsync,
  Transfer,
  withHandlers,
} from "@effvm/vm-core"
import { afterEach, describe, expect, it, vi } from "vitest"

const FILE = "core-tracebacks.test.ts"
const source = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n")
/** 1-based line of the line carrying `marker` in this file. */
const lineOf = (marker: string): number => {
  const i = source.findIndex((l) => l.includes(`// ${marker}`))
  if (i < 0) throw new Error(`marker ${marker} missing`)
  return i + 1
}

const caughtFrom = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error("expected a throw")
}

class Num extends Effect<number> {}

const leafWorker = fn(function* leafWorker(id: string) {
  yield* sleep(1)
  throw new Error(`corrupt data for item ${id}`) // THROW-LEAF
})
const batchWorker = fn(function* batchWorker(n: number) {
  const t = yield* spawn(leafWorker(`${n}-2`), { name: `leaf ${n}-2` }) // SPAWN-LEAF
  return yield* gather(t)
})
const orchestrator = fn(function* orchestrator() {
  const b = yield* spawn(batchWorker(1), { name: "batch 1" }) // SPAWN-BATCH
  return yield* gather(b) // GATHER-ORCH
})

const appError = (options?: { captureStacks?: "full" }) =>
  caughtFrom(() => run(scheduled(orchestrator(), { clock: new VirtualClock() }), options))

const lines = (text: string) => text.split("\n")
const nonEmpty = (text: string) => lines(text).filter((l) => l.trim() !== "")

describe("§6 the formatted layout", () => {
  it("every error that leaves run carries a structured traceback", () => {
    const tb = getTraceback(appError())
    expect(tb).toBeDefined()
    expect(tb!.sections.length).toBeGreaterThan(0)
  })

  it("header first, error type and message last", () => {
    const text = formatTraceback(appError())
    expect(lines(text)[0]).toBe("effvm Traceback (most recent call last):")
    expect(nonEmpty(text).at(-1)).toBe("Error: corrupt data for item 1-2")
  })

  it("frames outermost first across the spawn chain", () => {
    const text = formatTraceback(appError())
    const o = text.indexOf("orchestrator(")
    const b = text.indexOf("batchWorker(")
    const l = text.indexOf('leafWorker("1-2")')
    expect(o).toBeGreaterThan(0)
    expect(b).toBeGreaterThan(o)
    expect(l).toBeGreaterThan(b)
  })

  it("spawn separators in order, innermost task last, each naming its spawn site", () => {
    const text = formatTraceback(appError())
    const seps = lines(text).filter((l) => l.includes("── in task"))
    expect(seps.length).toBe(2)
    expect(seps[0]).toContain('"batch 1"')
    expect(seps[0]).toContain(`spawned at orchestrator() `)
    expect(seps[0]).toContain(`${FILE}:${lineOf("SPAWN-BATCH")}`)
    expect(seps[1]).toContain('"leaf 1-2"')
    expect(seps[1]).toContain(`spawned at batchWorker(1) `)
    expect(seps[1]).toContain(`${FILE}:${lineOf("SPAWN-LEAF")}`)
    // the failing frame's section follows the innermost separator
    expect(text.indexOf('leafWorker("1-2")')).toBeGreaterThan(text.indexOf(seps[1]!))
  })

  it("the throwing frame's line comes from the JS stack", () => {
    const text = formatTraceback(appError())
    const leafLine = lines(text).find((l) => l.includes('leafWorker("1-2")'))
    expect(leafLine).toContain(`${FILE}:${lineOf("THROW-LEAF")}`)
  })

  it("other frames show their definition site by default", () => {
    const text = formatTraceback(appError())
    const orchLine = lines(text).find((l) => l.includes("orchestrator()") && !l.includes("──"))
    const defLine = source.findIndex((l) => l.startsWith("const orchestrator = fn(")) + 1
    expect(defLine).toBeGreaterThan(0)
    expect(orchLine).toContain(`${FILE}:${defLine}`)
  })

  it('other frames show their exact live line under captureStacks: "full"', () => {
    const text = formatTraceback(appError({ captureStacks: "full" }))
    const orchLine = lines(text).find((l) => l.includes("orchestrator()") && !l.includes("──"))
    expect(orchLine).toContain(`${FILE}:${lineOf("GATHER-ORCH")}`)
  })

  it("internal frames of effvm are never shown", () => {
    const text = formatTraceback(appError())
    expect(text).not.toMatch(/packages\/(vm-core|scheduler|handlers)\//)
    expect(text).not.toMatch(/node_modules/)
    expect(text).not.toMatch(/node:internal/)
  })

  it("consecutive repeated frames are folded as [×N]", () => {
    const rec: (n: number) => ReturnType<typeof program<number>> = fn(function* recur(n: number) {
      if (n === 0) throw new Error("bottom")
      const r: number = yield* rec(n - 1)
      return r
    })
    const text = formatTraceback(caughtFrom(() => run(rec(40))))
    // recur(40) … recur(1) fold into one frame; recur(0) raised and shows its raise line
    expect(text).toContain("[×40]")
    expect(text).toContain("recur(0)")
    expect(lines(text).length).toBeLessThan(40)
    expect(nonEmpty(text).at(-1)).toBe("Error: bottom")
  })

  it("cause chains are rendered as Python does: cause first, then the sentence, then the outer error", () => {
    const inner = fn(function* innerFails() {
      throw new TypeError("inner problem")
    })
    const outer = fn(function* outerWraps() {
      try {
        yield* inner()
      } catch (e) {
        throw new RangeError("outer problem", { cause: e })
      }
    })
    const text = formatTraceback(caughtFrom(() => run(outer())))
    const sentence = "The above exception was the direct cause of the following exception:"
    const iCause = text.indexOf("TypeError: inner problem")
    const iSentence = text.indexOf(sentence)
    expect(iCause).toBeGreaterThan(0)
    expect(iSentence).toBeGreaterThan(iCause)
    expect(nonEmpty(text).at(-1)).toBe("RangeError: outer problem")
    expect(text.indexOf("effvm Traceback (most recent call last):", iSentence)).toBeGreaterThan(
      iSentence,
    )
  })

  it("getTraceback carries the cause as a nested traceback", () => {
    const outer = fn(function* outerWraps2() {
      try {
        throw new TypeError("inner")
      } catch (e) {
        throw new Error("outer", { cause: e })
      }
    })
    const tb = getTraceback(caughtFrom(() => run(outer())))!
    expect(tb.errorType).toBe("Error")
    expect(tb.message).toBe("outer")
    expect(tb.cause?.errorType).toBe("TypeError")
    expect(tb.cause?.message).toBe("inner")
  })

  it("aggregate errors are rendered as a tree of their errors", () => {
    const agg = fn(function* aggregates() {
      throw new AggregateError(
        [new TypeError("first sub"), new RangeError("second sub")],
        "many failed",
      )
    })
    const err = caughtFrom(() => run(agg()))
    const text = formatTraceback(err)
    expect(nonEmpty(text).at(-1)).toBe("AggregateError: many failed")
    const i1 = text.indexOf("TypeError: first sub")
    const i2 = text.indexOf("RangeError: second sub")
    expect(i1).toBeGreaterThan(0)
    expect(i2).toBeGreaterThan(i1)
    const tb = getTraceback(err)!
    expect(tb.errors.map((t) => `${t.errorType}: ${t.message}`)).toEqual([
      "TypeError: first sub",
      "RangeError: second sub",
    ])
  })
})

describe("§6 frames record the effect and each handler's verdict", () => {
  it("an unhandled effect's frame names the effect and the handlers that passed it", () => {
    const a = handler(() => Pass(), { name: "alpha" })
    const b = handler(() => Pass(), { name: "beta" })
    const performer = fn(function* performer() {
      return yield* new Num()
    })
    const err = caughtFrom(() => run(withHandlers([a, b], performer())))
    const frames = getTraceback(err)!.sections.flatMap((s) => s.frames)
    const f = frames.find((x) => x.call.startsWith("performer("))
    expect(f).toBeDefined()
    expect(f!.effect).toContain("Num")
    const verdicts = Object.fromEntries((f!.handlers ?? []).map((h) => [h.handler, h.verdict]))
    expect(verdicts).toMatchObject({ alpha: "passed", beta: "passed" })
    const text = formatTraceback(err)
    expect(text).toMatch(/handlers: .*beta.*alpha|handlers: .*alpha.*beta/)
  })

  it("a handler that delegated the effect is recorded as 'delegated'", () => {
    const thrower = handler(
      (eff) => {
        if (eff instanceof Num) throw new Error("outer handler failed")
        return Pass()
      },
      { name: "thrower" },
    )
    const delegator = handler(
      function* delegator(eff, k) {
        if (!(eff instanceof Num)) return yield* Pass()
        const v = yield* Delegate()
        return yield* Transfer(k, v)
      },
      { name: "delegator" },
    )
    const performer = fn(function* performer2() {
      return yield* new Num()
    })
    const err = caughtFrom(() => run(withHandlers([thrower, delegator], performer())))
    const frames = getTraceback(err)!.sections.flatMap((s) => s.frames)
    const f = frames.find((x) => x.call.startsWith("performer2("))
    expect(f).toBeDefined()
    const verdicts = Object.fromEntries((f!.handlers ?? []).map((h) => [h.handler, h.verdict]))
    expect(verdicts).toMatchObject({ delegator: "delegated", thrower: "threw" })
    expect(formatTraceback(err)).toContain("handlers: delegator ⤴, thrower ✗")
  })

  it("after a Delegate that no outer handler answers, the outer handlers that passed are listed", () => {
    const passer = handler(() => Pass(), { name: "passer" })
    const delegator = handler(
      function* delegator(eff, k) {
        if (!(eff instanceof Num)) return yield* Pass()
        return yield* Transfer(k, yield* Delegate())
      },
      { name: "delegator" },
    )
    const performer = fn(function* performer3() {
      return yield* new Num()
    })
    const err = caughtFrom(() => run(withHandlers([passer, delegator], performer())))
    const frame = getTraceback(err)!
      .sections.flatMap((s) => s.frames)
      .find((x) => x.call.startsWith("performer3("))
    expect(frame?.handlers).toEqual([
      { handler: "delegator", verdict: "delegated" },
      { handler: "passer", verdict: "passed" },
    ])
  })

  it("a handler that throws at the effect is recorded as 'threw', after the ones that passed", () => {
    const passer = handler(() => Pass(), { name: "passer" })
    const thrower = handler(
      (eff) => {
        if (eff instanceof Num) throw new Error("handler failed")
        return Pass()
      },
      { name: "thrower" },
    )
    const performer = fn(function* performer3() {
      return yield* new Num()
    })
    const err = caughtFrom(() => run(withHandlers([thrower, passer], performer())))
    const f = getTraceback(err)!
      .sections.flatMap((s) => s.frames)
      .find((x) => x.call.startsWith("performer3("))
    expect(f!.handlers).toEqual([
      { handler: "passer", verdict: "passed" },
      { handler: "thrower", verdict: "threw" },
    ])
  })
})

describe("§6 run and runAsync print nothing", () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it("a failing run and runAsync write nothing to stdout, stderr or the console", async () => {
    const writes: unknown[] = []
    vi.spyOn(process.stdout, "write").mockImplementation((c) => {
      writes.push(c)
      return true
    })
    vi.spyOn(process.stderr, "write").mockImplementation((c) => {
      writes.push(c)
      return true
    })
    for (const m of ["log", "error", "warn", "info", "debug"] as const) {
      vi.spyOn(console, m).mockImplementation((...a) => {
        writes.push(a)
      })
    }
    appError()
    await runAsync(scheduled(orchestrator(), { clock: new VirtualClock() })).catch(() => {})
    vi.restoreAllMocks()
    expect(writes).toEqual([])
  })
})

describe("§2/§6 every program frame shows", () => {
  it("each sub-program frame appears in the traceback, outermost first", () => {
    const third = fn(function* thirdLevel() {
      throw new Error("deepest")
    })
    const second = fn(function* secondLevel() {
      return yield* third()
    })
    const first = fn(function* firstLevel() {
      return yield* second()
    })
    const err = caughtFrom(() => run(first()))
    const calls = getTraceback(err)!.sections.flatMap((s) => s.frames.map((f) => f.call))
    expect(calls).toEqual(["firstLevel()", "secondLevel()", "thirdLevel()"])
    const text = formatTraceback(err)
    expect(text.indexOf("firstLevel()")).toBeLessThan(text.indexOf("secondLevel()"))
    expect(text.indexOf("secondLevel()")).toBeLessThan(text.indexOf("thirdLevel()"))
  })
})

describe("§6 structured traceback sections", () => {
  it("one section per task, outermost first; each spawned task's section carries its spawn boundary", () => {
    const tb = getTraceback(appError())!
    expect(tb.sections.map((s) => s.frames.map((f) => f.call.split("(")[0]))).toEqual([
      ["orchestrator"],
      ["batchWorker"],
      ["leafWorker"],
    ])
    expect(tb.sections[0]!.boundary).toBeUndefined()
    expect(tb.sections[1]!.boundary).toMatchObject({ kind: "spawn_boundary", name: "batch 1" })
    expect(tb.sections[2]!.boundary).toMatchObject({ kind: "spawn_boundary", name: "leaf 1-2" })
    expect(tb.errorType).toBe("Error")
    expect(tb.message).toBe("corrupt data for item 1-2")
  })
})

describe("§6 every error that leaves run/runAsync carries a traceback", () => {
  const performer = fn(function* performerX() {
    return yield* new Num()
  })
  const cases: Record<string, () => unknown> = {
    "a handler's error": () =>
      run(
        withHandlers(
          [
            handler((e) => {
              if (e instanceof Num) throw new Error("h")
              return Pass()
            }),
          ],
          performer(),
        ),
      ),
    "an unhandled effect": () => run(performer()),
    "a bad yield": () =>
      run(
        fn(function* badYield() {
          yield 1 as never
        })(),
      ),
    "a deadlock": () =>
      run(
        scheduled(
          program(function* () {
            const p = yield* createPromise<void>()
            return yield* wait(p)
          }),
          { clock: new VirtualClock() },
        ),
      ),
  }
  for (const [what, f] of Object.entries(cases)) {
    it(`${what}`, () => {
      const e = caughtFrom(f)
      expect(getTraceback(e)).toBeDefined()
      expect(lines(formatTraceback(e))[0]).toBe("effvm Traceback (most recent call last):")
    })
  }

  it("a rejected external promise under runAsync", async () => {
    const p = scheduled(
      program(function* () {
        return yield* awaitPromise(Promise.reject(new Error("rejected")))
      }),
    )
    const e = await runAsync(p).catch((x: unknown) => x)
    expect(getTraceback(e)).toBeDefined()
    expect(nonEmpty(formatTraceback(e)).at(-1)).toBe("Error: rejected")
  })
})
