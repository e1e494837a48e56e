// How tracebacks render the uncommon cases (docs/errors.md): every task section named, helper
// functions and errors no machine saw shown from the JS stack, interop frames hidden,
// thrown values by content, readable effects and messages, and the traceback wherever Node
// shows an error.
import { mkdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { inspect } from "node:util"
import { Ask, Get, Tell } from "@effvm/handlers"
import { attemptEither, fromEffect, fromEither, toEffect } from "@effvm/interop"
import {
  acquire,
  any,
  cancel,
  createSemaphore,
  gatherSettled,
  ReplayDivergenceError,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "@effvm/scheduler"
import {
  ContinuationError,
  Effect,
  fn,
  formatTraceback,
  getTraceback,
  handler,
  type Program,
  program,
  Resume,
  run,
  runAsync,
  type UnhandledEffectError,
  untracked,
  withHandler,
  type Yielded,
} from "@effvm/vm-core"
import { Effect as EffectTS } from "effect"
import * as E from "fp-ts/lib/Either.js"
import { describe, expect, it } from "vitest"

const here = "test/traceback-rendering.test.ts"

function thrownBy(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error, but nothing was thrown")
}

async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection, but the promise resolved")
}

const virtual = <T>(body: Program<T>) => scheduled(body, { clock: new VirtualClock() })

/** The source line number of the caller. */
function lineHere(): number {
  const line = new Error().stack!.split("\n")[2]!
  return Number(/:(\d+):\d+\)?$/.exec(line)![1])
}

const leaf = fn(function* leaf(id: string): Generator<Yielded, string, unknown> {
  yield* sleep(1)
  throw new Error(`leaf ${id} failed`)
})

describe("every section names its task", () => {
  it("an error that never crossed into another task names its task in its first section", () => {
    const main = program(function* main() {
      const task = yield* spawn(leaf("1-0"), { name: "leaf 1-0" })
      const [settled] = yield* gatherSettled(task)
      if (settled && !settled.ok) throw settled.error
    })

    const text = formatTraceback(thrownBy(() => run(virtual(main))))

    expect(text).toMatch(
      /^ {2}── in task 2 "leaf 1-0" \(spawned at main\(\) test\/traceback-rendering\.test\.ts:\d+\) ──$/m,
    )
    expect(text.indexOf('── in task 2 "leaf 1-0"')).toBeLessThan(text.indexOf('leaf("1-0")'))
  })

  it("each branch of an AggregateError from any names the task that failed", () => {
    const main = program(function* main() {
      return yield* any(leaf("a"), leaf("b"))
    })

    const text = formatTraceback(thrownBy(() => run(virtual(main))))

    expect(text).toMatch(/ {2}\| {3}── in task 2 "leaf" \(spawned at main\(\) /)
    expect(text).toMatch(/ {2}\| {3}── in task 3 "leaf" \(spawned at main\(\) /)
  })

  it("a cause raised inside a task names that task", () => {
    const main = program(function* main() {
      const task = yield* spawn(leaf("c"), { name: "leaf c" })
      const [settled] = yield* gatherSettled(task)
      if (settled && !settled.ok) throw new Error("could not load", { cause: settled.error })
    })

    const text = formatTraceback(thrownBy(() => run(virtual(main))))
    const [cause] = text.split("The above exception was the direct cause")

    expect(cause).toContain('── in task 2 "leaf c" (spawned at main()')
  })

  it("a spawn site names the spawning frame with its arguments", () => {
    const batch = fn(function* batch(n: number): Generator<Yielded, unknown, unknown> {
      const task = yield* spawn(leaf(`${n}-2`), { name: `leaf ${n}-2` })
      return yield* wait(task)
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(batch(7), { name: "batch 7" }))
    })

    const text = formatTraceback(thrownBy(() => run(virtual(main))))

    expect(text).toContain(`── in task 3 "leaf 7-2" (spawned at batch(7) ${here}:`)
  })
})

describe("frames from the JS stack", () => {
  it("an error no machine saw renders its JS stack's user frames under the header", () => {
    function loadConfig(): never {
      throw new Error("configuration file missing")
    }
    const error = thrownBy(() => loadConfig())

    const tb = getTraceback(error)!
    const text = formatTraceback(error)

    expect(tb.sections[0]!.frames.at(-1)).toMatchObject({ call: "loadConfig()", lineKind: "raise" })
    expect(text).toContain('    throw new Error("configuration file missing")')
    expect(text).not.toMatch(/node:internal|node_modules/)
  })

  it("a replay divergence, raised by the scheduler alone, shows the user code that started the run", () => {
    const worker = fn(function* worker() {
      yield* sleep(0)
    })
    const interleaving = program(function* interleaving() {
      yield* wait(yield* spawn(worker()))
    })
    const startLine = lineHere() + 2
    const error = thrownBy(() =>
      run(scheduled(interleaving, { clock: new VirtualClock(), policy: { replay: [99] } })),
    )

    expect(error).toBeInstanceOf(ReplayDivergenceError)
    const frames = getTraceback(error)!.sections.flatMap((s) => s.frames)
    expect(frames.length).toBeGreaterThan(0)
    expect(frames.map((f) => `${f.file}:${f.line}`)).toContain(`${here}:${startLine}`)
  })

  it("shows the user's helper functions between the raising program frame and the throw", () => {
    function parsePort(text: string): number {
      return checkedNumber(text)
    }
    function checkedNumber(text: string): number {
      const n = Number(text)
      if (!Number.isInteger(n)) throw new RangeError(`not a number: ${text}`)
      return n
    }
    const configure = program(function* configure() {
      return parsePort("80a")
    })

    const frames = getTraceback(thrownBy(() => run(configure)))!.sections[0]!.frames
    const text = formatTraceback(thrownBy(() => run(configure)))

    expect(frames.map((f) => f.call)).toEqual(["configure()", "parsePort()", "checkedNumber()"])
    expect(frames.map((f) => f.lineKind)).toEqual(["live", "live", "raise"])
    expect(text).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of the throw
      "    if (!Number.isInteger(n)) throw new RangeError(`not a number: ${text}`)",
    )
  })

  it("never shows a helper frame from node_modules, only the user's own", async () => {
    const dir = join(tmpdir(), `effvm-render-${process.pid}`, "node_modules", "strict-parse")
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, "index.mjs"),
      "export function parseStrict(text, fail) {\n  return fail(text)\n}\n",
    )
    const lib = (await import(pathToFileURL(join(dir, "index.mjs")).href)) as {
      parseStrict(text: string, fail: (t: string) => never): number
    }
    function reject(text: string): never {
      throw new Error(`cannot parse ${text}`)
    }
    const parse = program(function* parse() {
      return lib.parseStrict("x", reject)
    })

    const frames = getTraceback(thrownBy(() => run(parse)))!.sections[0]!.frames

    expect(frames.map((f) => f.call)).toEqual(["parse()", "reject()"])
  })

  it("marks a frame that is not the raising one with (defined at) when it shows its definition", () => {
    const outerLine = lineHere() + 1
    const outer = fn(function* outer(): Generator<Yielded, unknown, unknown> {
      return yield* inner()
    })
    const inner = fn(function* inner(): Generator<Yielded, never, unknown> {
      throw new Error("inner failed")
    })

    const text = formatTraceback(thrownBy(() => run(outer())))

    expect(text).toContain(`  outer()  (defined at) ${here}:${outerLine}\n`)
    expect(text).toMatch(/ {2}inner\(\) {2}test\/traceback-rendering\.test\.ts:\d+\n/)
  })
})

describe("interop frames never show", () => {
  it("fromEither and attemptEither frames are effvm's own", () => {
    const load = program(function* load() {
      yield* attemptEither(
        program(function* probe() {
          return 1
        }),
      )
      return yield* fromEither(E.left(new Error("not found")))
    })

    const error = thrownBy(() => run(load))
    const calls = getTraceback(error)!.sections.flatMap((s) => s.frames.map((f) => f.call))

    expect(calls).toEqual(["load()"])
    expect(formatTraceback(error)).not.toContain("packages/interop")
  })

  it("a fromEffect frame is effvm's own", async () => {
    const load = program(function* load() {
      return yield* fromEffect(EffectTS.fail(new Error("effect failed")))
    })

    const error = await rejectionOf(runAsync(load))
    const calls = getTraceback(error)!.sections.flatMap((s) => s.frames.map((f) => f.call))

    expect(calls).toEqual(["load()"])
  })

  it("a program run by toEffect shows only its own frames", async () => {
    const load = program(function* load() {
      yield* sleep(1)
      throw new Error("load failed")
    })

    const error = await rejectionOf(EffectTS.runPromise(toEffect(virtual(load))))
    const calls = getTraceback(error)!.sections.flatMap((s) => s.frames.map((f) => f.call))

    expect(calls).toEqual(["load()"])
    expect(formatTraceback(error)).not.toContain("packages/interop")
  })
})

describe("thrown values that are not errors", () => {
  it("an object renders by content, with the location of the frame that threw it", () => {
    const defLine = lineHere() + 1
    const rejects = program(function* rejects() {
      throw { code: 42 }
    })

    const text = formatTraceback(thrownBy(() => run(rejects)))

    expect(text).toContain(`  rejects()  (defined at) ${here}:${defLine}`)
    expect(text.trimEnd().endsWith("thrown value: { code: 42 }")).toBe(true)
  })

  it("a long value is cut to a bounded length", () => {
    const rejects = program(function* rejects() {
      throw { items: Array.from({ length: 500 }, (_, i) => i), note: "x".repeat(500) }
    })

    const last = formatTraceback(thrownBy(() => run(rejects)))
      .trimEnd()
      .split("\n")
      .at(-1)!

    expect(last.startsWith("thrown value: { items: [0, 1, 2")).toBe(true)
    expect(last.length).toBeLessThan(200)
  })

  it("a thrown string gets the location of the frame that threw it", () => {
    const defLine = lineHere() + 1
    const rejectsText = program(function* rejectsText() {
      throw "no such user"
    })

    const text = formatTraceback(thrownBy(() => run(rejectsText)))

    expect(text).toContain(`  rejectsText()  (defined at) ${here}:${defLine}`)
    expect(text.trimEnd().endsWith('thrown value: "no such user"')).toBe(true)
  })
})

/** A handler inside `scheduled` that refuses every scheduler effect: the traceback shows it. */
const refuse = handler(function* refuse(): Generator<Yielded, never, unknown> {
  throw new Error("refused")
})

function performingLineOf(body: Program<unknown>): string {
  const text = formatTraceback(thrownBy(() => run(virtual(body))))
  return text
    .split("\n")
    .find((l) => l.startsWith("    performing "))!
    .trim()
}

describe("built-in effects read as what they do", () => {
  it("cancel names the task", () => {
    const main = program(function* main() {
      const task = yield* spawn(leaf("1-1"), { name: "leaf 1-1" })
      yield* withHandler(
        refuse,
        program(function* cancelling() {
          yield* cancel(task)
        }),
      )
    })

    expect(performingLineOf(main)).toBe('performing cancel(task 2 "leaf 1-1")')
  })

  it("sleep shows its milliseconds", () => {
    const main = withHandler(
      refuse,
      program(function* napping() {
        yield* sleep(50)
      }),
    )

    expect(performingLineOf(main)).toBe("performing sleep(50 ms)")
  })

  it("any counts its inputs", () => {
    const main = withHandler(
      refuse,
      program(function* anyOf() {
        yield* any(leaf("a"), leaf("b"), leaf("c"))
      }),
    )

    expect(performingLineOf(main)).toBe("performing any(3 items)")
  })

  it("acquire names the semaphore", () => {
    const main = program(function* main() {
      const sem = yield* createSemaphore(1)
      yield* withHandler(
        refuse,
        program(function* acquiring() {
          yield* acquire(sem)
        }),
      )
    })

    expect(performingLineOf(main)).toBe("performing acquire(semaphore #1)")
  })
})

describe("messages", () => {
  it("the handlers line of an unhandled effect lists the handlers its message names", () => {
    const asks = program(function* asks() {
      return yield* new Ask("db")
    })

    const error = thrownBy(() => run(untracked(scheduled(asks)))) as UnhandledEffectError
    const text = formatTraceback(error)

    expect(error.handlersInScope).toEqual(["scheduler"])
    expect(text).toContain("    handlers: none handles it (in scope: scheduler)")
    expect(text).not.toContain("none saw it")
  })

  it("an unhandled scheduler effect says to wrap the program in scheduled(...)", () => {
    const naps = program(function* naps() {
      yield* sleep(50)
    })

    const error = thrownBy(() => run(untracked(naps))) as Error

    expect(error.message).toContain("Unhandled effect sleep(50 ms) in naps")
    expect(error.message).toContain("wrap the program in scheduled(...)")
  })

  it.each([
    ["Ask", () => new Ask("db"), "reader("],
    ["Get", () => new Get("count"), "state("],
    ["Tell", () => new Tell("started"), "writer()"],
  ])("an unhandled %s names the handler that answers it", (_name, make, answeredBy) => {
    const performs = program(function* performs() {
      return yield* make()
    })

    expect((thrownBy(() => run(untracked(performs))) as Error).message).toContain(answeredBy)
  })

  it("an effect class may carry its own hint for the unhandled-effect message", () => {
    class Query extends Effect<string> {
      static readonly unhandledHint = "Run with { handlers: [database(pool)] }."
    }
    const queries = program(function* queries() {
      return yield* new Query()
    })

    const message = (thrownBy(() => run(queries)) as Error).message

    expect(message.endsWith("Run with { handlers: [database(pool)] }.")).toBe(true)
  })

  it("waiting on a promise under run says so in one sentence", () => {
    const waits = program(function* waits() {
      return yield* fromEffect(EffectTS.promise(() => Promise.resolve(1)))
    })

    const message = (thrownBy(() => run(scheduled(waits))) as Error).message

    expect(message).toBe(
      "Every task waits on a JS promise (awaitPromise), but this run is synchronous (run, runOutcome) and cannot wait: use runAsync() to run programs that wait on promises.",
    )
  })

  it("a malformed replay log is named as an array, never 'a Array'", () => {
    const body = program(function* body() {
      return 1
    })

    const message = (
      thrownBy(() => scheduled(body, { policy: { replay: [1, "x"] as never } })) as Error
    ).message

    expect(message).toContain('got an array [1, "x"]')
    expect(message).not.toContain("a Array")
  })

  it("run of a generator object says to wrap the generator with fn or program", () => {
    function* rawGen(n: number) {
      return n
    }

    const message = (thrownBy(() => run(rawGen(1) as never)) as Error).message

    expect(message).toContain("got a generator object")
    expect(message).toContain("wrapped with fn(...) or program(...)")
    expect(message).not.toContain("did you pass the factory")
  })

  it("run of an uncalled fn factory says to call it", () => {
    const greet = fn(function* greet(name: string) {
      return name
    })

    const message = (thrownBy(() => run(greet as never)) as Error).message

    expect(message).toContain(
      "got the program factory greet (made by fn()), not a program: call it",
    )
  })

  it("a ContinuationError's traceback shows the handler's frame", () => {
    class Ping extends Effect<number> {}
    const twice = handler(function* twice(_eff, k) {
      yield* Resume(k, 1)
      yield* Resume(k, 2)
    })
    const pings = program(function* pings() {
      return yield* new Ping()
    })

    const error = thrownBy(() => run(withHandler(twice, pings)))
    const frames = getTraceback(error)!.sections.flatMap((s) => s.frames)

    expect(error).toBeInstanceOf(ContinuationError)
    expect(frames.at(-1)).toMatchObject({ call: "twice(Ping(), k)", handler: true })
    expect(formatTraceback(error)).toContain("  twice(Ping(), k)  (handler)")
  })
})

describe("the traceback is what you see without asking", () => {
  const failing = program(function* failing() {
    const task = yield* spawn(leaf("9"), { name: "leaf 9" })
    return yield* wait(task)
  })

  it("util.inspect (and so console.error) of an error that left run shows its traceback", () => {
    const error = thrownBy(() => run(virtual(failing)))

    expect(inspect(error)).toBe(formatTraceback(error))
    expect(inspect(error)).toContain('── in task 2 "leaf 9"')
  })

  it("keeps error.message unchanged and the JS stack reachable", async () => {
    const error = (await rejectionOf(runAsync(virtual(failing)))) as Error & Record<symbol, unknown>

    expect(error.message).toBe("leaf 9 failed")
    expect(error[Symbol.for("effvm.jsStack")]).toMatch(/^Error: leaf 9 failed\n\s+at /)
  })

  it("error.stack, which Node's uncaught reports print, starts with the traceback and keeps the at lines", () => {
    const error = thrownBy(() => run(virtual(failing))) as Error

    expect(error.stack!.startsWith("effvm Traceback (most recent call last):")).toBe(true)
    expect(error.stack).toContain("Error: leaf 9 failed\n    at ")
  })
})
