// docs/semantics.md §8: the misuse table, and "never a hang, never a swallowed error, never an
// unhandled promise rejection, never a finally skipped".
import {
  awaitPromise,
  createPromise,
  gather,
  race,
  realClock,
  SchedulerDeadlockError,
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
  GetExecutionContext,
  handler,
  Pass,
  program,
  Resume,
  run,
  runAsync,
  UnhandledEffectError,
  withHandler,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Num extends Effect<number> {}

const caughtFrom = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error("expected a throw")
}

describe("§8 misuse table", () => {
  it("yield of a non-effect value: TypeError naming the value and the frame", () => {
    const yieldsString = fn(function* yieldsAString() {
      yield "just a string" as never
    })
    const e = caughtFrom(() => run(yieldsString())) as Error
    expect(e).toBeInstanceOf(TypeError)
    expect(e.message).toContain("just a string")
    expect(e.message).toContain("yieldsAString")
  })

  it("yield of a plain object: TypeError at that yield, catchable there", () => {
    const yieldsObject = fn(function* yieldsAnObject() {
      try {
        yield { not: "an effect" } as never
        return "no error"
      } catch (e) {
        return e instanceof TypeError && e.message.includes("yieldsAnObject")
          ? "caught here"
          : "other"
      }
    })
    expect(run(yieldsObject())).toBe("caught here")
  })

  it("unhandled effect: UnhandledEffectError with the effect and the handlers in scope", () => {
    const eff = new Num()
    const h = handler(() => Pass(), { name: "onlyPasses" })
    const e = caughtFrom(() =>
      run(
        withHandler(
          h,
          program(function* () {
            return yield* eff
          }),
        ),
      ),
    ) as UnhandledEffectError
    expect(e).toBeInstanceOf(UnhandledEffectError)
    expect(e.effect).toBe(eff)
    expect(e.message).toContain("Num")
    expect(e.message).toContain("onlyPasses")
  })

  it("second resume of a continuation: ContinuationError", () => {
    const h = handler(function* twice(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      yield* Resume(k, 1)
      return yield* Resume(k, 2)
    })
    const e = caughtFrom(() =>
      run(
        withHandler(
          h,
          program(function* () {
            return yield* new Num()
          }),
        ),
      ),
    )
    expect(e).toBeInstanceOf(ContinuationError)
    expect((e as Error).message).toContain("already resumed")
  })

  it("resume with a continuation from another run: ContinuationError", () => {
    let stolen: Parameters<typeof Resume>[0] | undefined
    const capture = handler((eff, k) => {
      if (!(eff instanceof Num)) return Pass()
      stolen = k
      return 0
    })
    const body = program(function* () {
      return yield* new Num()
    })
    expect(run(withHandler(capture, body))).toBe(0)
    const misuse = handler(function* misuse(eff, k) {
      if (!(eff instanceof Num)) return yield* Pass()
      try {
        yield* Resume(stolen!, 5)
      } catch (e) {
        return e
      }
      return yield* Resume(k, 1)
    })
    expect(run(withHandler(misuse, body))).toBeInstanceOf(ContinuationError)
  })

  it("Resume in an error dispatch with a non-context, non-error value: TypeError, cause = original error", () => {
    const original = new Error("original")
    const h = handler(function* badResume(eff, k) {
      if (eff instanceof GetExecutionContext) return yield* Resume(k, 42)
      return yield* Pass()
    })
    const e = caughtFrom(() =>
      run(
        withHandler(
          h,
          fn(function* failsHere() {
            throw original
          })(),
        ),
      ),
    ) as Error
    expect(e).toBeInstanceOf(TypeError)
    expect(e.cause).toBe(original)
  })

  it("external promise under run: an error telling the user to call runAsync", () => {
    const e = caughtFrom(() =>
      run(
        scheduled(
          program(function* () {
            return yield* awaitPromise(new Promise<number>(() => {}))
          }),
        ),
      ),
    ) as Error
    expect(e).toBeInstanceOf(Error)
    expect(e.message).toContain("runAsync")
  })

  it("sleep on the realClock under run: an error telling the user to call runAsync", () => {
    const e = caughtFrom(() =>
      run(
        scheduled(
          program(function* () {
            yield* sleep(5)
          }),
          { clock: realClock },
        ),
      ),
    ) as Error
    expect(e.message).toContain("runAsync")
  })

  it("all tasks blocked: SchedulerDeadlockError", () => {
    const e = caughtFrom(() =>
      run(
        scheduled(
          program(function* () {
            const h = yield* createPromise<void>()
            return yield* wait(h)
          }),
          { clock: new VirtualClock() },
        ),
      ),
    )
    expect(e).toBeInstanceOf(SchedulerDeadlockError)
  })

  it("empty race(): TypeError", () => {
    const e = caughtFrom(() =>
      run(
        scheduled(
          program(function* () {
            return yield* race()
          }),
        ),
      ),
    )
    expect(e).toBeInstanceOf(TypeError)
  })
})

describe("§8 nothing is lost", () => {
  it("a failing run closes every finally of the failing frames and of the cancelled tasks", () => {
    const log: string[] = []
    const sibling = program(function* () {
      try {
        yield* sleep(1000)
      } finally {
        log.push("sibling finally")
      }
    })
    const inner = fn(function* inner() {
      try {
        yield* sleep(1)
        throw new Error("fail")
      } finally {
        log.push("inner finally")
      }
    })
    const outer = fn(function* outer() {
      try {
        yield* gather(sibling, inner())
      } finally {
        log.push("outer finally")
      }
    })
    expect(() => run(scheduled(outer(), { clock: new VirtualClock() }))).toThrow("fail")
    expect(log.sort()).toEqual(["inner finally", "outer finally", "sibling finally"])
  })

  it("a failing runAsync with failing tasks leaves no unhandled promise rejection", async () => {
    const unhandled: unknown[] = []
    const listener = (reason: unknown) => unhandled.push(reason)
    process.on("unhandledRejection", listener)
    try {
      const p = program(function* () {
        yield* spawn(
          program(function* () {
            return yield* awaitPromise(Promise.reject(new Error("rejected a")))
          }),
        )
        const b = yield* spawn(
          program(function* () {
            return yield* awaitPromise(Promise.reject(new Error("rejected b")))
          }),
        )
        return yield* wait(b)
      })
      await expect(runAsync(scheduled(p))).rejects.toBeInstanceOf(Error)
      await new Promise((r) => setTimeout(r, 20))
    } finally {
      process.off("unhandledRejection", listener)
    }
    expect(unhandled).toEqual([])
  })

  it("a program that can make no progress fails instead of hanging", async () => {
    const p = program(function* () {
      const a = yield* createPromise<void>()
      const b = yield* createPromise<void>()
      const t1 = yield* spawn(
        program(function* () {
          yield* wait(a)
        }),
      )
      const t2 = yield* spawn(
        program(function* () {
          yield* wait(b)
        }),
      )
      yield* gather(t1, t2)
    })
    await expect(runAsync(scheduled(p))).rejects.toBeInstanceOf(SchedulerDeadlockError)
  })
})
