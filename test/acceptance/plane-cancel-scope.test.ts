// docs/semantics.md §10 cancel scopes: cancelScope(function* (scope) {...}), cancel(scope), and the
// precise rules on nesting, waiting for finally blocks and tasks left running.

import {
  type CancelScope,
  cancel,
  cancelScope,
  gatherSettled,
  realClock,
  scheduled,
  sleep,
  spawn,
  type Task,
  TaskCancelledError,
  VirtualClock,
  wait,
} from "@effvm/scheduler"
import { type Program, program, run, runAsync } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

const clock = () => new VirtualClock()
const go = <T>(body: Program<T>): T => run(scheduled(body, { clock: clock() }))

/** A task that sleeps for long, and whose finally block itself sleeps before logging. */
function slowCleaner(log: string[], name: string) {
  return program(function* cleaner() {
    try {
      yield* sleep(1_000_000)
    } finally {
      yield* sleep(5)
      log.push(`${name} cleaned`)
    }
  })
}

describe("cancelScope(body)", () => {
  it("returns { cancelled: false, value } when the body ends normally", () => {
    const result = go(
      program(function* main() {
        return yield* cancelScope(function* (_scope) {
          yield* sleep(1)
          return 42
        })
      }),
    )
    expect(result).toEqual({ cancelled: false, value: 42 })
  })

  it("returns { cancelled: true } when the body cancels its own scope, after the body's finally ran", () => {
    const log: string[] = []
    const result = go(
      program(function* main() {
        const r = yield* cancelScope(function* (scope) {
          try {
            yield* cancel(scope)
            yield* sleep(1)
            log.push("after cancel")
            return 1
          } finally {
            log.push("body finally")
          }
        })
        log.push("returned")
        return r
      }),
    )
    expect(result).toEqual({ cancelled: true })
    expect(log).toEqual(["body finally", "returned"])
  })

  it("cancels every task spawned inside it and returns only after their finally blocks finished", () => {
    const log: string[] = []
    const result = go(
      program(function* main() {
        const r = yield* cancelScope(function* (scope) {
          yield* spawn(slowCleaner(log, "t1"))
          yield* spawn(
            program(function* spawner() {
              yield* spawn(slowCleaner(log, "grandchild"))
              yield* sleep(1_000_000)
            }),
          )
          yield* sleep(1)
          yield* cancel(scope)
          yield* sleep(1_000_000)
        })
        log.push("scope returned")
        return r
      }),
    )
    expect(result).toEqual({ cancelled: true })
    expect(log.at(-1)).toBe("scope returned")
    expect([...log].sort()).toEqual(["grandchild cleaned", "scope returned", "t1 cleaned"])
  })

  it("can be cancelled from another task", () => {
    const log: string[] = []
    const result = go(
      program(function* main() {
        let captured: CancelScope | undefined
        const canceller = yield* spawn(
          program(function* canceller() {
            yield* sleep(10)
            yield* cancel(captured!)
          }),
        )
        const r = yield* cancelScope(function* (scope) {
          captured = scope
          try {
            yield* sleep(1_000_000)
          } finally {
            log.push("body finally")
          }
        })
        yield* wait(canceller)
        return r
      }),
    )
    expect(result).toEqual({ cancelled: true })
    expect(log).toEqual(["body finally"])
  })

  it("leaves tasks spawned inside a normally-ending body running, as children of the enclosing task", () => {
    const log: string[] = []
    const result = go(
      program(function* main() {
        const r = yield* cancelScope(function* (_scope) {
          return yield* spawn(
            program(function* survivor() {
              yield* sleep(20)
              log.push("survivor finished")
              return "survived"
            }),
          )
        })
        if (r.cancelled) throw new Error("not expected")
        log.push("scope returned")
        return yield* wait(r.value as Task<string>)
      }),
    )
    expect(result).toBe("survived")
    expect(log).toEqual(["scope returned", "survivor finished"])
  })

  it("leaves those tasks to the enclosing task's structured lifetime (cancelled when it ends)", () => {
    const log: string[] = []
    go(
      program(function* main() {
        yield* wait(
          yield* spawn(
            program(function* enclosing() {
              yield* cancelScope(function* (_scope) {
                yield* spawn(slowCleaner(log, "left"))
              })
              yield* sleep(1)
            }),
          ),
        )
        yield* sleep(100)
      }),
    )
    expect(log).toEqual(["left cleaned"])
  })
})

describe("nested cancel scopes", () => {
  it("cancelling an outer scope cancels the inner ones, and the cancellation passes through the inner scope to the outer", () => {
    const log: string[] = []
    const result = go(
      program(function* main() {
        const r = yield* cancelScope(function* (outer) {
          const inner = yield* cancelScope(function* (_inner) {
            yield* spawn(slowCleaner(log, "inner task"))
            try {
              yield* sleep(1)
              yield* cancel(outer)
              yield* sleep(1_000_000)
            } finally {
              log.push("inner body finally")
            }
          })
          log.push(`outer body went on after inner: ${JSON.stringify(inner)}`)
          return "outer value"
        })
        log.push("outer returned")
        return r
      }),
    )
    expect(result).toEqual({ cancelled: true })
    expect([...log].sort()).toEqual(["inner body finally", "inner task cleaned", "outer returned"])
    expect(log.at(-1)).toBe("outer returned")
  })

  it("cancelling an inner scope leaves the outer one running", () => {
    const result = go(
      program(function* main() {
        return yield* cancelScope(function* (_outer) {
          const inner = yield* cancelScope(function* (inner) {
            yield* cancel(inner)
            yield* sleep(1_000_000)
          })
          yield* sleep(1)
          return { inner }
        })
      }),
    )
    expect(result).toEqual({ cancelled: false, value: { inner: { cancelled: true } } })
  })

  it("cancels tasks spawned in an inner scope when the outer one is cancelled from outside", () => {
    const log: string[] = []
    go(
      program(function* main() {
        let outerScope: CancelScope | undefined
        const canceller = yield* spawn(
          program(function* canceller() {
            yield* sleep(10)
            yield* cancel(outerScope!)
          }),
        )
        const r = yield* cancelScope(function* (outer) {
          outerScope = outer
          yield* cancelScope(function* (_inner) {
            yield* spawn(slowCleaner(log, "deep"))
            yield* sleep(1_000_000)
          })
        })
        log.push(`outer: ${JSON.stringify(r)}`)
        yield* wait(canceller)
      }),
    )
    expect(log).toEqual(["deep cleaned", 'outer: {"cancelled":true}'])
  })

  it("cancels daemon tasks spawned inside it too", () => {
    const log: string[] = []
    const result = go(
      program(function* main() {
        return yield* cancelScope(function* (scope) {
          yield* spawn(slowCleaner(log, "daemon"), { daemon: true })
          yield* sleep(1)
          yield* cancel(scope)
        })
      }),
    )
    expect(result).toEqual({ cancelled: true })
    expect(log).toEqual(["daemon cleaned"])
  })

  it("returns { cancelled: true } even if the body swallows the cancellation and returns", () => {
    const result = go(
      program(function* main() {
        return yield* cancelScope(function* (scope) {
          try {
            yield* cancel(scope)
            yield* sleep(5)
            return "finished anyway"
          } catch {
            return "swallowed"
          }
        })
      }),
    )
    expect(result).toEqual({ cancelled: true })
  })

  it("lets a cancellation of the enclosing task pass through the scope", () => {
    const log: string[] = []
    const outcome = go(
      program(function* main() {
        const t = yield* spawn(
          program(function* enclosing() {
            const r = yield* cancelScope(function* (_scope) {
              yield* sleep(100)
            })
            log.push(`went on after the scope: ${JSON.stringify(r)}`)
          }),
        )
        yield* sleep(10)
        yield* cancel(t)
        return yield* gatherSettled(t)
      }),
    )
    expect(log).toEqual([])
    expect(outcome[0]!.ok).toBe(false)
    if (!outcome[0]!.ok) expect(outcome[0]!.error).toBeInstanceOf(TaskCancelledError)
  })

  it("throws a failure of a task left running by a finished scope into the enclosing task", () => {
    const log: string[] = []
    const result = go(
      program(function* main() {
        try {
          const r = yield* cancelScope(function* (_scope) {
            yield* spawn(
              program(function* left() {
                yield* sleep(10)
                throw new Error("left failed")
              }),
            )
            return 1
          })
          log.push(`scope returned ${JSON.stringify(r)}`)
          yield* sleep(100)
          return "not reached"
        } catch (error) {
          return `enclosing task got: ${(error as Error).message}`
        }
      }),
    )
    expect(log).toEqual(['scope returned {"cancelled":false,"value":1}'])
    expect(result).toBe("enclosing task got: left failed")
  })

  it("works on the real clock under runAsync", async () => {
    const log: string[] = []
    const result = await runAsync(
      scheduled(
        program(function* main() {
          return yield* cancelScope(function* (scope) {
            yield* spawn(slowCleaner(log, "real"))
            yield* sleep(5)
            yield* cancel(scope)
          })
        }),
        { clock: realClock },
      ),
    )
    expect(result).toEqual({ cancelled: true })
    expect(log).toEqual(["real cleaned"])
  })
})
