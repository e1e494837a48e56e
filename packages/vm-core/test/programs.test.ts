import { describe, expect, expectTypeOf, it } from "vitest"
import {
  Effect,
  fn,
  handler,
  Program,
  program,
  pure,
  run,
  Transfer,
  withHandler,
  type Yielded,
} from "../src/index.js"

class Ask<T> extends Effect<T> {
  constructor(readonly key: string) {
    super()
  }
}

class Depth extends Effect<number> {}

const askReader = (env: Record<string, unknown>) =>
  handler(
    function* reader(eff: Ask<unknown>, k) {
      return yield* Transfer(k, env[eff.key])
    },
    { handles: [Ask] },
  )

describe("fn", () => {
  it("fn returns a factory whose calls are programs", () => {
    const greet = fn(function* greet(name: string) {
      const greeting = yield* new Ask<string>("greeting")
      return `${greeting}, ${name}`
    })

    const p = greet("ada")

    expect(p).toBeInstanceOf(Program)
    expect(p.name).toBe("greet")
    expect(run(withHandler(askReader({ greeting: "hi" }), p))).toBe("hi, ada")
  })

  it("fn passes every argument to the generator function", () => {
    const describePoint = fn(function* describePoint(x: number, y: number, label: string) {
      const unit = yield* new Ask<string>("unit")
      return `${label}(${x}${unit}, ${y}${unit})`
    })

    expect(run(withHandler(askReader({ unit: "cm" }), describePoint(3, 4, "p")))).toBe(
      "p(3cm, 4cm)",
    )
  })
})

describe("program", () => {
  it("program makes a program with no arguments", () => {
    const answer = program(function* answer() {
      const base = yield* new Ask<number>("base")
      return base + 1
    })

    expect(answer).toBeInstanceOf(Program)
    expect(answer.name).toBe("answer")
    expect(run(withHandler(askReader({ base: 41 }), answer))).toBe(42)
  })
})

describe("pure", () => {
  it("pure(value) runs to that value", () => {
    expect(run(pure(42))).toBe(42)
  })

  it("yield* pure(value) evaluates to the value inside a program", () => {
    const usesPure = program(function* usesPure() {
      const value = yield* pure("inner")
      return `${value}!`
    })

    expect(run(usesPure)).toBe("inner!")
  })

  it("withHandler around pure(value) runs to that value", () => {
    expect(run(withHandler(askReader({}), pure("plain")))).toBe("plain")
  })
})

describe("types", () => {
  it("yield* eff is typed by the effect's answer type", () => {
    const typed = program(function* typed() {
      const name = yield* new Ask<string>("name")
      const count = yield* new Ask<number>("count")
      expectTypeOf(name).toEqualTypeOf<string>()
      expectTypeOf(count).toEqualTypeOf<number>()
      return name.repeat(count)
    })

    expectTypeOf(typed).toEqualTypeOf<Program<string, Ask<string> | Ask<number>>>()
    expect(run(withHandler(askReader({ name: "ab", count: 3 }), typed))).toBe("ababab")
  })

  it("yield* sub() is typed by the sub-program's return type", () => {
    const double = fn(function* double(n: number) {
      const factor = yield* new Ask<number>("factor")
      return n * factor
    })
    const label = fn(function* label(n: number) {
      const prefix = yield* new Ask<string>("prefix")
      return `${prefix}${n}`
    })
    const caller = program(function* caller() {
      const doubled = yield* double(21)
      const text = yield* label(doubled)
      expectTypeOf(doubled).toEqualTypeOf<number>()
      expectTypeOf(text).toEqualTypeOf<string>()
      return text
    })

    expectTypeOf(double).toEqualTypeOf<(n: number) => Program<number, Ask<number>>>()
    expectTypeOf(double).returns.toEqualTypeOf<Program<number, Ask<number>>>()
    expect(run(withHandler(askReader({ factor: 2, prefix: "n=" }), caller))).toBe("n=42")
  })
})

describe("laziness", () => {
  it("building a program does not run its body", () => {
    let started = 0
    const counted = fn(function* counted() {
      started++
      return yield* new Ask<number>("x")
    })

    counted()
    program(function* neverRun() {
      started++
      return yield* new Ask<number>("x")
    })

    expect(started).toBe(0)
  })

  it("running a program twice runs its body twice, each time from a fresh generator", () => {
    let runs = 0
    const fresh = program(function* fresh() {
      runs++
      const seen: string[] = []
      seen.push(yield* new Ask<string>("x"))
      return seen
    })
    const withEnv = withHandler(askReader({ x: "value" }), fresh)

    const first = run(withEnv)
    const second = run(withEnv)

    expect(runs).toBe(2)
    expect(first).toEqual(["value"])
    expect(second).toEqual(["value"])
    expect(first).not.toBe(second)
  })
})

describe("deep recursion", () => {
  it("a program recursing 1,000,000 frames deep completes under run with the default stack", () => {
    const walk = fn(function* walkStep(n: number): Generator<Yielded, number> {
      if (n === 0) return 0
      return 1 + (yield* walk(n - 1))
    })

    expect(run(walk(1_000_000))).toBe(1_000_000)
  })

  it("an effect performed 1,000,000 frames deep reaches the handler above them all", () => {
    const descend = fn(function* descendStep(n: number): Generator<Yielded, number> {
      if (n === 0) return yield* new Depth()
      return yield* descend(n - 1)
    })
    const answerDepth = handler((_eff, k) => Transfer(k, 7), { handles: [Depth] })

    expect(run(withHandler(answerDepth, descend(1_000_000)))).toBe(7)
  })
})

describe("native generators", () => {
  it("a plain generator delegated with yield* can perform effects for its parent", () => {
    function* readTwice(key: string): Generator<Yielded, string> {
      const first = yield* new Ask<string>(key)
      const second = yield* new Ask<string>(key)
      return first + second
    }
    const parent = program(function* parent() {
      const both = yield* readTwice("letter")
      return both.toUpperCase()
    })

    expect(run(withHandler(askReader({ letter: "q" }), parent))).toBe("QQ")
  })

  it("a plain generator delegated with yield* can run sub-programs", () => {
    const increment = fn(function* increment(n: number) {
      const current = yield* pure(n)
      return current + 1
    })
    function* incrementTwice(n: number): Generator<Yielded, number> {
      return yield* increment(yield* increment(n))
    }
    const parent = program(function* parent() {
      return yield* incrementTwice(40)
    })

    expect(run(parent)).toBe(42)
  })
})
