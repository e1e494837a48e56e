import { fn, type Program, program, run, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  type CancelScope,
  cancel,
  cancelScope,
  gather,
  ScopeCancelledError,
  scheduled,
  sleep,
  spawn,
  type Task,
  TaskCancelledError,
  VirtualClock,
  wait,
} from "../src/index.js"

function runVirtual<T>(body: Program<T>): T {
  return run(scheduled(body, { clock: new VirtualClock() }))
}

/** A task that sleeps forever and records its cleanup (with the time it finished). */
const sleeper = fn(function* sleeper(
  name: string,
  log: string[],
  cleanupMs: number,
): Generator<Yielded, void, unknown> {
  try {
    yield* sleep(1_000_000)
  } finally {
    if (cleanupMs > 0) yield* sleep(cleanupMs)
    log.push(name)
  }
})

describe("cancelScope", () => {
  it("a body that ends normally gives { cancelled: false, value }", () => {
    const main = program(function* main() {
      return yield* cancelScope(function* () {
        yield* sleep(1)
        return 42
      })
    })
    expect(runVirtual(main)).toEqual({ cancelled: false, value: 42 })
  })

  it("cancel(scope) from inside the body ends it there: { cancelled: true }", () => {
    const after: string[] = []
    const main = program(function* main() {
      return yield* cancelScope(function* (scope) {
        yield* cancel(scope)
        after.push("not reached")
        return 1
      })
    })
    expect(runVirtual(main)).toEqual({ cancelled: true })
    expect(after).toEqual([])
  })

  it("cancels every task spawned inside it and returns only after their finally blocks ran", () => {
    const cleaned: string[] = []
    const main = program(function* main() {
      const result = yield* cancelScope(function* (scope) {
        yield* spawn(sleeper("a", cleaned, 5))
        yield* spawn(sleeper("b", cleaned, 10))
        yield* sleep(1)
        yield* cancel(scope)
        return "unreachable"
      })
      return { result, cleanedWhenReturned: [...cleaned].sort() }
    })
    expect(runVirtual(main)).toEqual({
      result: { cancelled: true },
      cleanedWhenReturned: ["a", "b"],
    })
  })

  it("finally blocks inside the body and the scope's tasks run exactly once", () => {
    const runs: string[] = []
    const main = program(function* main() {
      return yield* cancelScope(function* (scope) {
        yield* spawn(sleeper("task", runs, 0))
        try {
          yield* spawn(
            program(function* canceller() {
              yield* sleep(2)
              yield* cancel(scope)
            }),
          )
          yield* sleep(1_000)
        } finally {
          runs.push("body")
        }
      })
    })
    expect(runVirtual(main)).toEqual({ cancelled: true })
    expect(runs.sort()).toEqual(["body", "task"])
  })

  it("cancel(scope) from another task waits until the scope has closed", () => {
    const log: string[] = []
    const main = program(function* main() {
      let handle: CancelScope | null = null
      const outside = yield* spawn(
        program(function* outside() {
          yield* sleep(1)
          yield* cancel(handle!)
          log.push("cancel returned")
        }),
      )
      const result = yield* cancelScope(function* (scope) {
        handle = scope
        try {
          yield* sleep(1_000)
        } finally {
          yield* sleep(5) // asynchronous cleanup
          log.push("body cleaned up")
        }
      })
      yield* wait(outside)
      return result
    })
    expect(runVirtual(main)).toEqual({ cancelled: true })
    expect(log).toEqual(["body cleaned up", "cancel returned"])
  })

  it("tasks spawned outside the scope are untouched", () => {
    const cleaned: string[] = []
    const main = program(function* main() {
      const outside = yield* spawn(
        program(function* outside() {
          yield* sleep(10)
          return "outside done"
        }),
      )
      yield* cancelScope(function* (scope) {
        yield* spawn(sleeper("inside", cleaned, 0))
        yield* sleep(1) // let it start (a task that never started has no finally to run)
        yield* cancel(scope)
      })
      return { value: yield* wait(outside), cleaned }
    })
    expect(runVirtual(main)).toEqual({ value: "outside done", cleaned: ["inside"] })
  })

  it("a body that ends normally leaves its tasks running, as children of the task", () => {
    const main = program(function* main() {
      let inner: Task<string> | null = null
      const result = yield* cancelScope(function* () {
        inner = yield* spawn(
          program(function* lingering() {
            yield* sleep(10)
            return "still ran"
          }),
        )
        return "body done"
      })
      return [result, yield* wait(inner!), inner!.parentId]
    })
    expect(runVirtual(main)).toEqual([{ cancelled: false, value: "body done" }, "still ran", 1])
  })

  it("scopes nest: cancelling the outer one cancels the inner one, whose error passes through", () => {
    const cleaned: string[] = []
    const seen: string[] = []
    const main = program(function* main() {
      return yield* cancelScope(function* (outer) {
        yield* spawn(sleeper("outer task", cleaned, 0))
        const inner = yield* cancelScope(function* () {
          yield* spawn(sleeper("inner task", cleaned, 0))
          yield* sleep(1)
          try {
            yield* cancel(outer)
          } catch (error) {
            seen.push(error instanceof ScopeCancelledError ? `scope ${error.scopeId}` : "other")
            throw error
          }
          return "inner value"
        })
        seen.push(`inner returned ${JSON.stringify(inner)}`)
        return "outer value"
      })
    })
    expect(runVirtual(main)).toEqual({ cancelled: true })
    expect(seen).toEqual(["scope 1"])
    expect(cleaned.sort()).toEqual(["inner task", "outer task"])
  })

  it("cancelling an inner scope leaves the outer one running", () => {
    const main = program(function* main() {
      return yield* cancelScope(function* () {
        const inner = yield* cancelScope(function* (scope) {
          yield* cancel(scope)
        })
        yield* sleep(1)
        return inner
      })
    })
    expect(runVirtual(main)).toEqual({ cancelled: false, value: { cancelled: true } })
  })

  it("a task that is cancelled while inside a scope ends cancelled: the scope does not catch it", () => {
    const main = program(function* main() {
      const t = yield* spawn(
        program(function* scoped() {
          yield* cancelScope(function* () {
            yield* sleep(1_000)
          })
          return "unreachable"
        }),
      )
      yield* sleep(1)
      yield* cancel(t)
      return t.status
    })
    expect(runVirtual(main)).toBe("cancelled")
  })

  it("other errors of the body propagate out of cancelScope", () => {
    const main = program(function* main() {
      yield* cancelScope(function* () {
        yield* sleep(1)
        throw new Error("body failed")
      })
    })
    expect(() => runVirtual(main)).toThrow("body failed")
  })

  it("a scope task that fails in its cleanup is not lost: cancelScope throws its error", () => {
    const main = program(function* main() {
      yield* cancelScope(function* (scope) {
        yield* spawn(
          program(function* badCleanup() {
            try {
              yield* sleep(1_000)
            } finally {
              // biome-ignore lint/correctness/noUnsafeFinally: the point of the test
              throw new Error("cleanup failed")
            }
          }),
        )
        yield* sleep(1)
        yield* cancel(scope)
      })
    })
    expect(() => runVirtual(main)).toThrow("cleanup failed")
  })

  it("programs gathered inside a scope are cancelled with it", () => {
    const cleaned: string[] = []
    const main = program(function* main() {
      return yield* cancelScope(function* (scope) {
        yield* spawn(
          program(function* deadline() {
            yield* sleep(3)
            yield* cancel(scope)
          }),
        )
        return yield* gather(sleeper("x", cleaned, 0), sleeper("y", cleaned, 0))
      })
    })
    expect(runVirtual(main)).toEqual({ cancelled: true })
    expect(cleaned.sort()).toEqual(["x", "y"])
  })

  it("cancel of a closed scope is a no-op; bad arguments are TypeErrors", () => {
    const main = program(function* main() {
      let kept: CancelScope | null = null
      yield* cancelScope(function* (scope) {
        kept = scope
      })
      yield* cancel(kept!)
      return kept!.cancelled
    })
    expect(runVirtual(main)).toBe(false)
    expect(() => cancelScope(42 as never)).toThrow(/cancelScope\(\) expects a generator function/)
    expect(() => cancel({} as never)).toThrow(/a task \(from spawn\) or a cancel scope/)
  })

  it("the scope error is an Interrupt, distinct from a task's cancellation", () => {
    const main = program(function* main() {
      let caught: unknown
      yield* cancelScope(function* (scope) {
        try {
          yield* cancel(scope)
        } catch (error) {
          caught = error
          throw error
        }
      })
      return caught
    })
    const caught = runVirtual(main)
    expect(caught).toBeInstanceOf(ScopeCancelledError)
    expect(caught).not.toBeInstanceOf(TaskCancelledError)
  })
})
