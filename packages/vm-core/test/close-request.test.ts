import { describe, expect, it } from "vitest"
import {
  ContinuationError,
  Effect,
  handler,
  program,
  run,
  Transfer,
  withHandler,
} from "../src/index.js"
import { CloseContinuation } from "../src/internal.js"

/** Held by the `closer` handler below, which closes the body instead of resuming it. */
class Hold extends Effect<never> {}

class Note extends Effect<void> {
  constructor(readonly text: string) {
    super()
  }
}

const noter = (log: string[]) =>
  handler(
    (eff: Note, k) => {
      log.push(eff.text)
      return Transfer(k, undefined)
    },
    { handles: [Note] },
  )

/** Closes the body it holds, then ends its withHandler with what closing gave. */
const closer = (log: string[]) =>
  handler(
    function* closer(_eff: Hold, k) {
      try {
        yield* CloseContinuation(k)
        log.push("closed")
      } catch (error) {
        log.push(`closing threw ${(error as Error).message}`)
      }
      return "after close"
    },
    { handles: [Hold] },
  )

describe("CloseContinuation (internal)", () => {
  it("closes a held continuation innermost first, its effects going outward, then goes on", () => {
    const log: string[] = []
    const body = program(function* body() {
      try {
        try {
          yield* new Hold()
        } finally {
          yield* new Note("inner finally")
        }
      } finally {
        log.push("outer finally")
      }
    })

    const result = run(withHandler(noter(log), withHandler(closer(log), body)))

    expect(result).toBe("after close")
    expect(log).toEqual(["inner finally", "outer finally", "closed"])
  })

  it("throws the error a finally threw at the request, after every frame is closed", () => {
    const log: string[] = []
    const body = program(function* body() {
      try {
        try {
          yield* new Hold()
        } finally {
          // biome-ignore lint/correctness/noUnsafeFinally: the test is about a failing cleanup
          throw new Error("inner cleanup")
        }
      } finally {
        log.push("outer finally")
      }
    })

    expect(run(withHandler(closer(log), body))).toBe("after close")
    expect(log).toEqual(["outer finally", "closing threw inner cleanup"])
  })

  it("refuses a continuation that is not live with a ContinuationError at the request", () => {
    const twice = handler(
      function* twice(_eff: Hold, k) {
        yield* CloseContinuation(k)
        try {
          yield* CloseContinuation(k)
        } catch (error) {
          return error
        }
        return "no error"
      },
      { handles: [Hold] },
    )
    const body = program(function* body() {
      yield* new Hold()
    })

    const error = run(withHandler(twice, body))

    expect(error).toBeInstanceOf(ContinuationError)
    expect(String(error)).toContain("one-shot")
  })
})
