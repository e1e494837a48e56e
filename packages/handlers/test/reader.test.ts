import {
  program,
  run,
  UnhandledEffectError,
  untracked,
  withHandler,
  withHandlers,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { Ask, ask, attempt, local, MissingKeyError, reader } from "../src/index.js"

const askUser = program(function* askUser() {
  return yield* ask<string>("user")
})

function caught(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error")
}

describe("reader", () => {
  it("answers Ask with the environment's value", () => {
    expect(run(withHandler(reader({ user: "ada" }), askUser))).toBe("ada")
  })

  it("answers a key whose value is undefined with undefined, not an error", () => {
    const main = program(function* main() {
      return yield* ask("optional")
    })
    expect(run(withHandler(reader({ optional: undefined }), main))).toBeUndefined()
  })

  it("raises MissingKeyError naming the key when no reader has it", () => {
    const error = caught(() => run(withHandler(reader({ db: 1, cache: 2 }), askUser)))
    expect(error).toBeInstanceOf(MissingKeyError)
    expect((error as MissingKeyError).key).toBe("user")
    expect((error as Error).message).toContain('Ask("user")')
    expect((error as Error).message).toContain('no reader in scope has the key "user"')
    expect((error as Error).message).toContain("db, cache")
  })

  it("raises the missing-key error at the perform site, where try/catch catches it", () => {
    const main = program(function* main() {
      try {
        return yield* ask<string>("user")
      } catch (error) {
        return error instanceof MissingKeyError ? `missing ${error.key}` : "other"
      }
    })
    expect(run(withHandler(reader({}), main))).toBe("missing user")
  })

  it("does not treat inherited keys such as toString as present", () => {
    const main = program(function* main() {
      return yield* ask("toString")
    })
    expect(() => run(withHandler(reader({}), main))).toThrow(MissingKeyError)
  })

  it("lets an inner reader ask the outer one for keys it lacks", () => {
    const main = program(function* main() {
      return [yield* ask("a"), yield* ask("b")]
    })
    expect(
      run(withHandlers([reader({ a: "outer a", b: "outer b" }), reader({ a: "inner a" })], main)),
    ).toEqual(["inner a", "outer b"])
  })

  it("lists the keys of every nested reader when none has the key", () => {
    const error = caught(() =>
      run(withHandlers([reader({ outer: 1 }), reader({ inner: 2 })], askUser)),
    )
    expect(error).toBeInstanceOf(MissingKeyError)
    expect((error as MissingKeyError).available).toEqual(["inner", "outer"])
  })

  it("leaves Ask unhandled (UnhandledEffectError) when no reader is installed at all", () => {
    expect(() => run(untracked(askUser))).toThrow(UnhandledEffectError)
  })

  it("takes a snapshot of env: later changes to the object are not seen", () => {
    const env: Record<string, unknown> = { user: "ada" }
    const r = reader(env)
    env.user = "grace"
    expect(run(withHandler(r, askUser))).toBe("ada")
  })

  it("recognises Ask subclasses", () => {
    class AskSecret extends Ask<string> {}
    const main = program(function* main() {
      return yield* new AskSecret("token")
    })
    expect(run(withHandler(reader({ token: "t0k" }), main))).toBe("t0k")
  })
})

describe("local", () => {
  it("overrides a key for its body only", () => {
    const main = program(function* main() {
      const inside = yield* local({ user: "guest" }, askUser)
      const after = yield* ask<string>("user")
      return [inside, after]
    })
    expect(run(withHandler(reader({ user: "ada" }), main))).toEqual(["guest", "ada"])
  })

  it("asks the outer reader for keys it does not override", () => {
    const both = program(function* both() {
      return [yield* ask("user"), yield* ask("role")]
    })
    const main = program(function* main() {
      return yield* local({ user: "guest" }, both)
    })
    expect(run(withHandler(reader({ user: "ada", role: "admin" }), main))).toEqual([
      "guest",
      "admin",
    ])
  })

  it("gives the outer value back after its body fails inside attempt", () => {
    const failing = program(function* failing() {
      const user = yield* ask<string>("user")
      throw new Error(`failed as ${user}`)
    })
    const main = program(function* main() {
      const result = yield* attempt(local({ user: "guest" }, failing))
      const after = yield* ask<string>("user")
      return [result.ok ? "ok" : (result.error as Error).message, after]
    })
    expect(run(withHandler(reader({ user: "ada" }), main))).toEqual(["failed as guest", "ada"])
  })

  it("nests: the innermost local wins, and each ends with its body", () => {
    const main = program(function* main() {
      const inner = local({ user: "inner" }, askUser)
      const middle = program(function* middle() {
        return [yield* inner, yield* ask<string>("user")]
      })
      return [...(yield* local({ user: "middle" }, middle)), yield* ask<string>("user")]
    })
    expect(run(withHandler(reader({ user: "outer" }), main))).toEqual(["inner", "middle", "outer"])
  })

  it("passes other keys on untouched: with no reader outside they are unhandled", () => {
    const main = program(function* main() {
      return yield* local(
        { user: "guest" },
        program(function* askRole() {
          return yield* ask("role")
        }),
      )
    })
    expect(() => run(untracked(main))).toThrow(UnhandledEffectError)
  })

  it("raises MissingKeyError for a key neither it nor any reader has", () => {
    const main = program(function* main() {
      return yield* local(
        { user: "guest" },
        program(function* askRole() {
          return yield* ask("role")
        }),
      )
    })
    const error = caught(() => run(withHandler(reader({ user: "ada" }), main)))
    expect(error).toBeInstanceOf(MissingKeyError)
    expect((error as MissingKeyError).key).toBe("role")
  })
})
