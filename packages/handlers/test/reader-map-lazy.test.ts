import { fn, program, run, withHandler, withHandlers, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { ask, attempt, lazy, local, log, logger, MissingKeyError, reader } from "../src/index.js"

const Db = Symbol("db")
class Port {}
const port = new Port()

describe("reader and local with a Map", () => {
  it("answers keys of any type from a Map", () => {
    const env = new Map<unknown, unknown>([
      [Db, "db connection"],
      [port, 5432],
      [7, "seven"],
      ["user", "ada"],
    ])
    const main = program(function* main() {
      return [yield* ask<string>(Db), yield* ask<number>(port), yield* ask(7), yield* ask("user")]
    })
    expect(run(withHandler(reader(env), main))).toEqual(["db connection", 5432, "seven", "ada"])
  })

  it("overrides Map keys for the body only with local", () => {
    const main = program(function* main() {
      const inner = yield* local(
        new Map([[Db, "test db"]]),
        program(function* inner() {
          return yield* ask(Db)
        }),
      )
      return [inner, yield* ask(Db)]
    })
    expect(run(withHandler(reader(new Map([[Db, "real db"]])), main))).toEqual([
      "test db",
      "real db",
    ])
  })

  it("names a missing symbol key in the MissingKeyError", () => {
    const main = program(function* main() {
      return yield* ask(Symbol("cache"))
    })
    expect(() => run(withHandler(reader(new Map([[Db, 1]])), main))).toThrow(MissingKeyError)
    expect(() => run(withHandler(reader(new Map([[Db, 1]])), main))).toThrow(
      /Ask\(Symbol\(cache\)\): no reader in scope has the key Symbol\(cache\)\. Keys in scope: Symbol\(db\)/,
    )
  })

  it("rejects an environment that is neither an object nor a Map with a TypeError", () => {
    expect(() => reader("db=1" as never)).toThrow(
      /reader\(env\) expects an object of values.*or a Map, got the string "db=1"/,
    )
    expect(() => reader(42 as never)).toThrow(TypeError)
    expect(() =>
      local(
        null as never,
        program(function* body() {}),
      ),
    ).toThrow(/local\(env, body\) expects.*got null/)
  })
})

describe("lazy reader values", () => {
  it("runs the program on the first ask of its key, once per run", () => {
    let runs = 0
    const connect = program(function* connect() {
      runs++
      return `connection ${runs}`
    })
    const env = { db: lazy(connect) }
    const main = program(function* main() {
      return [yield* ask("db"), yield* ask("db")]
    })
    expect(run(withHandler(reader(env), main))).toEqual(["connection 1", "connection 1"])
    expect(run(withHandler(reader(env), main))).toEqual(["connection 2", "connection 2"])
    expect(runs).toBe(2)
  })

  it("does not run the program when its key is never asked for", () => {
    let runs = 0
    const unused = program(function* unused() {
      runs++
    })
    run(
      withHandler(
        reader({ unused: lazy(unused), n: 1 }),
        program(function* main() {
          return yield* ask("n")
        }),
      ),
    )
    expect(runs).toBe(0)
  })

  it("lets the program ask for other keys of the same reader and use the handlers outside", () => {
    const lines: string[] = []
    const connect = fn(function* connect(): Generator<Yielded, string, unknown> {
      const url = yield* ask<string>("url")
      yield* log("connecting", url)
      return `db at ${url}`
    })
    const main = program(function* main() {
      return yield* ask("db")
    })
    const result = run(
      withHandlers(
        [
          logger({ sink: (entry) => lines.push(entry.message) }),
          reader({ url: "db://x", db: lazy(connect()) }),
        ],
        main,
      ),
    )
    expect(result).toBe("db at db://x")
    expect(lines).toEqual(["connecting db://x"])
  })

  it("does not cache a failure: the next ask runs the program again", () => {
    let attempts = 0
    const flaky = program(function* flakyConnect() {
      attempts++
      if (attempts === 1) throw new Error("first connect failed")
      return "connected"
    })
    const main = program(function* main() {
      const first = yield* attempt(
        program(function* firstAsk() {
          return yield* ask("db")
        }),
      )
      return [first.ok ? first.value : (first.error as Error).message, yield* ask("db")]
    })
    expect(run(withHandler(reader({ db: lazy(flaky) }), main))).toEqual([
      "first connect failed",
      "connected",
    ])
    expect(attempts).toBe(2)
  })

  it("fails with a TypeError when the program asks for its own key", () => {
    const env: Record<string, unknown> = {}
    env.loop = lazy(
      program(function* selfish() {
        return yield* ask("loop")
      }),
    )
    expect(() =>
      run(
        withHandler(
          reader(env),
          program(function* main() {
            return yield* ask("loop")
          }),
        ),
      ),
    ).toThrow(/lazy value of key loop .* asks for itself/)
  })

  it("rejects what is not a program", () => {
    expect(() => lazy((() => 1) as never)).toThrow(/lazy\(program\) expects a program/)
  })
})
