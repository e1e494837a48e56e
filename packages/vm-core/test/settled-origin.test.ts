import { describe, expect, it } from "vitest"
import {
  Effect,
  fn,
  GetExecutionContext,
  getExecutionContext,
  handler,
  Pass,
  program,
  Resume,
  run,
  Transfer,
  UnhandledEffectError,
  withHandler,
  withHandlers,
  type Yielded,
} from "../src/index.js"

class Unanswered extends Effect<void> {}
class Fails extends Effect<void> {}
class Note extends Effect<void> {}

/** Enriches every error it is offered; counts the errors it saw. */
function enricher(seen: unknown[]) {
  return handler(function* enricher(eff, k) {
    if (eff instanceof Note) return yield* Transfer(k, undefined)
    if (!(eff instanceof GetExecutionContext)) return yield* Pass()
    seen.push(eff.error)
    eff.context.add({ kind: "seen" })
    return yield* Transfer(k, eff.context)
  })
}

/** A frame whose `finally` performs an effect while the error unwinds through it. */
const cleansUp = (eff: Effect<void>) =>
  fn(function* cleansUp(): Generator<Yielded, void, unknown> {
    try {
      yield* eff
    } finally {
      yield* new Note()
    }
  })()

describe("an error not converted where it arises is settled there", () => {
  it("an UnhandledEffectError unwinding through a finally that performs an effect is not enriched after it", () => {
    const seen: unknown[] = []
    let caught: unknown
    try {
      run(withHandler(enricher(seen), cleansUp(new Unanswered())))
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(UnhandledEffectError)
    expect(seen).toEqual([])
    expect(getExecutionContext(caught)).toBeUndefined()
  })

  it("a fast-path handler's error unwinding through a finally that performs an effect is not enriched after it", () => {
    const seen: unknown[] = []
    const failing = handler(
      (eff) => {
        if (eff instanceof Fails) throw new Error("handler failed")
        return Pass()
      },
      { name: "failing" },
    )
    let caught: unknown
    try {
      run(withHandlers([enricher(seen), failing], cleansUp(new Fails())))
    } catch (error) {
      caught = error
    }
    expect((caught as Error).message).toBe("handler failed")
    expect(seen).toEqual([])
  })

  it("an enricher that throws does not replace such an error after the finally", () => {
    const throwing = handler(function* throwingEnricher(eff, k) {
      if (eff instanceof Note) return yield* Resume(k, undefined)
      if (eff instanceof GetExecutionContext) throw new Error("enricher failed")
      return yield* Pass()
    })
    let caught: unknown
    try {
      run(withHandler(throwing, cleansUp(new Unanswered())))
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(UnhandledEffectError)
  })

  it("a user error is still converted once at its origin", () => {
    const seen: unknown[] = []
    const thrower = fn(function* thrower(): Generator<Yielded, void, unknown> {
      try {
        yield* new Note()
        throw new Error("user error")
      } finally {
        yield* new Note()
      }
    })
    let caught: unknown
    try {
      run(
        withHandler(
          enricher(seen),
          program(function* main() {
            yield* thrower()
          }),
        ),
      )
    } catch (error) {
      caught = error
    }
    expect(seen).toEqual([caught])
    expect(getExecutionContext(caught)?.entries).toEqual([{ kind: "seen" }])
  })
})
