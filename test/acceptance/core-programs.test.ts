// docs/semantics.md §2 (programs and effects), §4 (the machine) and §9 (exports, plain Node ESM),
// checked black-box through the published package names.
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as handlers from "@effvm/handlers"
import * as scheduler from "@effvm/scheduler"
import { awaitPromise, scheduled } from "@effvm/scheduler"
import * as core from "@effvm/vm-core"
import {
  createVM,
  Effect,
  fn,
  formatTraceback,
  handler,
  Pass,
  program,
  pure,
  Resume,
  run,
  runAsync,
  Transfer,
  withHandler,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Ask<T> extends Effect<T> {
  constructor(readonly key: string) {
    super()
  }
}

class Num extends Effect<number> {}

const reader = (env: Record<string, unknown>) =>
  handler<Ask<unknown>>(function* reader(eff, k) {
    if (eff instanceof Ask) return yield* Transfer(k, env[eff.key])
    return yield* Pass()
  })

const numbers = (answer: number) =>
  handler((eff, k) => (eff instanceof Num ? Resume(k, answer) : Pass()), { name: "numbers" })

describe("§2 programs and effects", () => {
  it("yield* of an effect instance performs it and evaluates to the answer", () => {
    const p = program(function* () {
      const a = yield* new Num()
      return a + 1
    })
    expect(run(withHandler(numbers(41), p))).toBe(42)
  })

  it("calling the fn factory does not start the program", () => {
    let started = 0
    const p = fn(function* lazy() {
      started++
      return 1
    })
    const prog = p()
    expect(started).toBe(0)
    expect(run(prog)).toBe(1)
    expect(started).toBe(1)
  })

  it("a Program is re-runnable: each run starts a fresh generator", () => {
    let starts = 0
    const counter = fn(function* counter(n: number) {
      starts++
      const a = yield* new Num()
      return a + n
    })
    const prog = counter(1)
    expect(run(withHandler(numbers(1), prog))).toBe(2)
    expect(run(withHandler(numbers(10), prog))).toBe(11)
    expect(starts).toBe(2)
  })

  it("the greet example of docs/semantics.md evaluates to 'hi, ada'", () => {
    const greet = fn(function* greet(name: string) {
      const greeting = yield* new Ask<string>("greeting")
      return `${greeting}, ${name}`
    })
    expect(run(withHandler(reader({ greeting: "hi" }), greet("ada")))).toBe("hi, ada")
  })

  it("the program's name (the generator function's name) is recorded for tracebacks", () => {
    const namedProgramForTraceback = fn(function* namedProgramForTraceback() {
      yield* new Num()
      throw new Error("boom")
    })
    let caught: unknown
    try {
      run(withHandler(numbers(1), namedProgramForTraceback()))
    } catch (e) {
      caught = e
    }
    expect(formatTraceback(caught)).toContain("namedProgramForTraceback(")
  })

  it("yield* subProgram(args) returns the sub-program's value to the caller", () => {
    const add = fn(function* add(a: number, b: number) {
      const x = yield* new Num()
      return a + b + x
    })
    const outer = fn(function* outer() {
      const r = yield* add(1, 2)
      return r * 2
    })
    expect(run(withHandler(numbers(3), outer()))).toBe(12)
  })

  it("recursion a million frames deep through the factory does not overflow the JS stack", () => {
    const walk: (n: number) => core.Program<number> = fn(function* walkStep(n: number) {
      if (n === 0) return 0
      const below: number = yield* walk(n - 1)
      return below + 1
    })
    expect(run(walk(1_000_000))).toBe(1_000_000)
  })

  it("calling the raw generator by its own name falls back to native nesting and still works", () => {
    const walkRaw = fn(function* walk(n: number): Generator<never, number, never> {
      if (n === 0) return 0
      return 1 + (yield* walk(n - 1))
    })
    expect(run(walkRaw(100))).toBe(100)
  })

  it("plain native generators delegated with yield* still work and may perform effects", () => {
    function* nativeHelper() {
      const a = yield* new Num()
      return a * 2
    }
    const p = program(function* () {
      const r = yield* nativeHelper()
      return r + 1
    })
    expect(run(withHandler(numbers(5), p))).toBe(11)
  })

  it("pure(value) is the program that returns value", () => {
    expect(run(pure(7))).toBe(7)
    const obj = { a: 1 }
    expect(run(pure(obj))).toBe(obj)
  })

  it("program(function* () {...}) is a program with no arguments", () => {
    expect(
      run(
        program(function* () {
          return "no args"
        }),
      ),
    ).toBe("no args")
  })

  it("yielding a non-effect value raises a TypeError at that yield, naming the value and the frame", () => {
    const badYielder = fn(function* badYielder() {
      try {
        yield 12345 as never
      } catch (e) {
        return e
      }
      return "not raised"
    })
    const e = run(badYielder()) as Error
    expect(e).toBeInstanceOf(TypeError)
    expect(e.message).toContain("12345")
    expect(e.message).toContain("badYielder")
  })
})

describe("§4 the machine: createVM, run, runAsync", () => {
  it("vm.step() takes one step at a time, returning 'continue' until 'done'", () => {
    const vm = createVM(
      program(function* () {
        const a = yield* new Num()
        return a
      }),
      { handlers: [numbers(3)] },
    )
    const seen: string[] = []
    for (let i = 0; i < 10_000; i++) {
      const r = vm.step()
      seen.push(r)
      if (r !== "continue") break
    }
    expect(seen.at(-1)).toBe("done")
    expect(seen.slice(0, -1).every((r) => r === "continue")).toBe(true)
    expect(seen.length).toBeGreaterThan(1)
  })

  it("vm.step() returns 'error' when the program fails", () => {
    const vm = createVM(
      program(function* () {
        throw new Error("fails")
      }),
    )
    let r: string = "continue"
    for (let i = 0; i < 10_000 && r === "continue"; i++) r = vm.step()
    expect(r).toBe("error")
  })

  it("vm.mode names the current mode, one of the five §4 modes", () => {
    const vm = createVM(
      program(function* () {
        const a = yield* new Num()
        return a
      }),
      { handlers: [numbers(3)] },
    )
    const modes = new Set<string>()
    let r: string = "continue"
    for (let i = 0; i < 10_000 && r === "continue"; i++) {
      modes.add(String(vm.mode))
      r = vm.step()
    }
    const known = ["Deliver", "Throw", "HandleYield", "DispatchError", "Return"]
    for (const m of modes) expect(known).toContain(m)
    expect(modes.has("HandleYield")).toBe(true)
  })

  it("vm.runFor(n) takes at most n steps and returns 'yield' when it stopped early", () => {
    const loop = program(function* () {
      let s = 0
      for (let i = 0; i < 1000; i++) s += yield* new Num()
      return s
    })
    const vm = createVM(loop, { handlers: [numbers(1)] })
    expect(vm.runFor(5)).toBe("yield")
    let r: string = "yield"
    for (let i = 0; i < 100_000 && r === "yield"; i++) r = vm.runFor(1000)
    expect(r).toBe("done")
  })

  it("vm.step() returns 'external' while waiting on a JS promise", () => {
    const never = new Promise<number>(() => {})
    const vm = createVM(
      scheduled(
        program(function* () {
          return yield* awaitPromise(never)
        }),
      ),
    )
    let r: string = "continue"
    for (let i = 0; i < 10_000 && r === "continue"; i++) r = vm.step()
    expect(r).toBe("external")
  })

  it("run(program, { handlers }) installs the handlers and returns the value", () => {
    const p = program(function* () {
      return (yield* new Num()) + 1
    })
    expect(run(p, { handlers: [numbers(9)] })).toBe(10)
  })

  it("run throws the program's error (the same object)", () => {
    const err = new Error("thrown out")
    expect(() =>
      run(
        program(function* () {
          throw err
        }),
      ),
    ).toThrow(err)
  })

  it("run throws a clear error telling the user to call runAsync when the program waits on an external promise", () => {
    const p = scheduled(
      program(function* () {
        return yield* awaitPromise(Promise.resolve(1))
      }),
    )
    expect(() => run(p)).toThrow(/runAsync/)
  })

  it("runAsync returns a Promise and awaits external work", async () => {
    const p = scheduled(
      program(function* () {
        const v = yield* awaitPromise(new Promise<number>((r) => setTimeout(() => r(5), 5)))
        return v + 1
      }),
    )
    const result = runAsync(p)
    expect(result).toBeInstanceOf(Promise)
    expect(await result).toBe(6)
  })

  it("runAsync rejects with the program's error", async () => {
    const err = new Error("async fail")
    await expect(
      runAsync(
        program(function* () {
          throw err
        }),
      ),
    ).rejects.toBe(err)
  })
})

describe("§9 exports", () => {
  const missing = (mod: Record<string, unknown>, names: string[]) =>
    names.filter((n) => mod[n] === undefined)

  it("@effvm/vm-core exports every §9 runtime name", () => {
    const names =
      "Effect fn program pure handler withHandler withHandlers Resume Transfer ResumeThrow TransferThrow Pass Delegate run runAsync createVM GetExecutionContext ExecutionContext getExecutionContext getTraceback formatTraceback Interrupt UnhandledEffectError ContinuationError"
    expect(missing(core, names.split(" "))).toEqual([])
  })

  it("@effvm/handlers exports every §9 runtime name", () => {
    const names =
      "Ask Get Put Modify Tell Log ask local get put modify tell listen attempt log reader state writer defaultHandlers"
    expect(missing(handlers, names.split(" "))).toEqual([])
  })

  it("@effvm/scheduler exports every §9 runtime name", () => {
    const names =
      "scheduled spawn wait gather gatherSettled race cancel sleep awaitPromise createPromise completePromise failPromise createSemaphore acquire release TaskCancelledError SchedulerDeadlockError VirtualClock realClock"
    expect(missing(scheduler, names.split(" "))).toEqual([])
  })

  it("import { run } from '@effvm/vm-core' works from plain Node ESM", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url))
    const script = [
      'import { run, pure, program, Effect, withHandler, handler, Resume, Pass } from "@effvm/vm-core"',
      'import { scheduled, spawn, wait } from "@effvm/scheduler"',
      'import { state, get, put } from "@effvm/handlers"',
      "class N extends Effect {}",
      "const h = handler((e, k) => (e instanceof N ? Resume(k, 2) : Pass()))",
      "const p = program(function* () { const n = yield* new N(); const t = yield* spawn(pure(n + 1)); yield* put('x', yield* wait(t)); return yield* get('x') })",
      "console.log(run(pure(40)) + run(withHandler(state({}), withHandler(h, scheduled(p)))))",
    ].join("\n")
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    })
    expect(out.trim()).toBe("43")
  })
})
