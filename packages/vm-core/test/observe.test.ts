import { describe, expect, it } from "vitest"
import {
  Effect,
  fn,
  GetExecutionContext,
  handler,
  intercept,
  observe,
  program,
  Resume,
  run,
  Transfer,
  withHandler,
  withHandlers,
  type Yielded,
} from "../src/index.js"

class Ask extends Effect<string> {
  constructor(readonly key: string) {
    super()
  }
}
class Note extends Effect<void> {
  constructor(readonly text: string) {
    super()
  }
}

const env = handler((eff: Ask, k) => Transfer(k, `value of ${eff.key}`), {
  handles: [Ask],
  name: "env",
})
const notes: string[] = []
const noter = handler(
  (eff: Note, k) => {
    notes.push(eff.text)
    return Transfer(k, undefined)
  },
  { handles: [Note], name: "noter" },
)

const helper = fn(function* helper(key: string): Generator<Yielded, string, unknown> {
  return yield* new Ask(key)
})

const main = program(function* main(): Generator<Yielded, string, unknown> {
  const a = yield* new Ask("a")
  const b = yield* helper("b")
  yield* new Note("done")
  return `${a}|${b}`
})

function names(effects: Effect<unknown>[]): string[] {
  return effects.map(
    (e) =>
      `${e.constructor.name}(${(e as unknown as { key?: string; text?: string }).key ?? (e as unknown as { text?: string }).text})`,
  )
}

describe("observe", () => {
  it("sees every effect performed inside the program, in order, with the answers unchanged", () => {
    const seen: Effect<unknown>[] = []
    const result = run(
      withHandlers(
        [env, noter],
        observe((e) => seen.push(e), main),
      ),
    )
    expect(result).toBe("value of a|value of b")
    expect(names(seen)).toEqual(["Ask(a)", "Ask(b)", "Note(done)"])
  })

  it("sees an effect before any handler inside the program does", () => {
    const order: string[] = []
    const inner = handler(
      function* inner(eff: Ask, k) {
        order.push(`inner handler got ${eff.key}`)
        return yield* Transfer(k, "inner")
      },
      { handles: [Ask] },
    )
    run(
      observe(
        (e) => order.push(`observer saw ${(e as Ask).key}`),
        withHandler(
          inner,
          program(function* body() {
            return yield* new Ask("x")
          }),
        ),
      ),
    )
    expect(order).toEqual(["observer saw x", "inner handler got x"])
  })

  it("sees the effects performed by handlers installed inside the program", () => {
    const seen: Effect<unknown>[] = []
    const translating = handler(
      function* translating(eff: Note, k) {
        const value = yield* new Ask(`for ${eff.text}`)
        return yield* Resume(k, value as unknown as undefined)
      },
      { handles: [Note], name: "translating" },
    )
    run(
      withHandler(
        env,
        observe(
          (e) => seen.push(e),
          withHandler(
            translating,
            program(function* body() {
              yield* new Note("n")
            }),
          ),
        ),
      ),
    )
    expect(names(seen)).toEqual(["Note(n)", "Ask(for n)"])
  })

  it("does not see effects performed outside the program", () => {
    const seen: Effect<unknown>[] = []
    run(
      withHandler(
        env,
        program(function* outer() {
          yield* new Ask("before")
          yield* observe((e) => seen.push(e), helper("inside"))
          yield* new Ask("after")
        }),
      ),
    )
    expect(names(seen)).toEqual(["Ask(inside)"])
  })

  it("does not show effvm's own internal effects", () => {
    const seen: Effect<unknown>[] = []
    run(
      observe(
        (e) => seen.push(e),
        program(function* enriching() {
          try {
            throw new Error("enriched")
          } catch {}
          return 1
        }),
      ),
    )
    expect(seen.some((e) => e instanceof GetExecutionContext)).toBe(false)
    expect(seen).toEqual([])
  })

  it("throws an error of the observer at the perform site, where the program can catch it", () => {
    const outcome = run(
      withHandler(
        env,
        observe(
          (e) => {
            if ((e as Ask).key === "bad") throw new Error("observer refused bad")
          },
          program(function* body() {
            try {
              yield* new Ask("bad")
              return "not reached"
            } catch (error) {
              return `caught: ${(error as Error).message}`
            }
          }),
        ),
      ),
    )
    expect(outcome).toBe("caught: observer refused bad")
  })

  it("never swallows an observer's error: uncaught, it fails the observed program", () => {
    expect(() =>
      run(
        withHandler(
          env,
          observe(() => {
            throw new Error("observer failed")
          }, main),
        ),
      ),
    ).toThrow("observer failed")
  })

  it("calls nested observers innermost first", () => {
    const order: string[] = []
    run(
      withHandler(
        env,
        observe(
          () => order.push("outer"),
          observe(() => order.push("inner"), helper("k")),
        ),
      ),
    )
    expect(order).toEqual(["inner", "outer"])
  })

  it("rejects a non-function observer and a non-program body with a TypeError", () => {
    expect(() => observe(3 as never, main)).toThrow(/observe\(f, program\) expects a function/)
    expect(() => observe(() => {}, helper as never)).toThrow(
      /expects a program as its second argument, got function .*did you pass the factory/,
    )
  })
})

describe("intercept", () => {
  it("performs the effect the function returns in place of the original", () => {
    const result = run(
      withHandlers(
        [env, noter],
        intercept((e) => (e instanceof Ask && e.key === "a" ? new Ask("A!") : e), main),
      ),
    )
    expect(result).toBe("value of A!|value of b")
  })

  it("lets an outer interceptor see what the inner one chose", () => {
    const seen: string[] = []
    run(
      withHandler(
        env,
        intercept(
          (e) => {
            seen.push((e as Ask).key)
            return e
          },
          intercept((e) => new Ask(`${(e as Ask).key}+`), helper("k")),
        ),
      ),
    )
    expect(seen).toEqual(["k+"])
  })

  it("throws a TypeError at the perform site when the function returns something that is not an effect", () => {
    expect(() =>
      run(
        withHandler(
          env,
          intercept(() => 42 as never, helper("k")),
        ),
      ),
    ).toThrow(/must return the effect to perform .* got 42 for Ask/)
  })
})

describe("observe in a traced run", () => {
  it("reports the effect an interceptor chose in the perform event", () => {
    const performed: string[] = []
    run(
      withHandlers(
        [env, noter],
        intercept((e) => new Note(`instead of ${(e as Ask).key}`), helper("k")),
      ),
      {
        trace: "full",
        onEvent: (event) => {
          if (event.kind === "perform") performed.push(String(event.effect))
        },
      },
    )
    expect(performed).toEqual(["Note"])
  })
})
