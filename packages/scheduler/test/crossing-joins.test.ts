import { type ContextEntry, Effect, fn, program, runAsync, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  any,
  awaitPromise,
  cancelScope,
  gather,
  gatherN,
  gatherSettled,
  race,
  scheduled,
  sleep,
  spawn,
  type Task,
  VirtualClock,
  wait,
} from "../src/index.js"
import { boundaryChain, runVirtual, spawnBoundaries, thrownBy } from "./helpers.js"

/** An effect nobody answers: its UnhandledEffectError is never enriched where it arises. */
class Unanswered extends Effect<void> {}

const t1Body = fn(function* t1(): Generator<Yielded, never, unknown> {
  yield* sleep(1)
  yield* new Unanswered()
  throw new Error("unreachable")
})

const slow = fn(function* slow(): Generator<Yielded, string, unknown> {
  yield* sleep(100)
  return "slow"
})

function* spawnT1(): Generator<Yielded, Task<never>, unknown> {
  return yield* spawn(t1Body(), { name: "t1" })
}

/** The error a join of the failing task "t1" delivered, thrown or as a settled result. */
function errorThrough(join: (t1: Task<never>) => Generator<Yielded, unknown, unknown>): unknown {
  return thrownBy(() =>
    runVirtual(
      program(function* main() {
        const t1 = yield* spawnT1()
        return yield* join(t1)
      }),
    ),
  )
}

describe("an error not enriched in the task it escapes from gets that task's boundary", () => {
  it("through gatherSettled, the minimal case", () => {
    const results = runVirtual(
      program(function* main() {
        const t1 = yield* spawnT1()
        return yield* gatherSettled(t1)
      }),
    )
    const first = results[0]!
    expect(first.ok).toBe(false)
    expect(boundaryChain(first.ok ? undefined : first.error)).toEqual(["2:t1"])
  })

  const joins: [string, (t1: Task<never>) => Generator<Yielded, unknown, unknown>][] = [
    [
      "wait",
      function* (t1) {
        return yield* wait(t1)
      },
    ],
    [
      "gather",
      function* (t1) {
        return yield* gather(t1)
      },
    ],
    [
      "race",
      function* (t1) {
        return yield* race(t1, yield* spawn(slow()))
      },
    ],
    [
      "any",
      function* (t1) {
        return yield* any(t1)
      },
    ],
    [
      "gatherN",
      function* (t1) {
        return yield* gatherN(1, t1)
      },
    ],
  ]
  for (const [name, join] of joins) {
    it(`through ${name}`, () => {
      const error = errorThrough(join)
      const inner =
        error instanceof AggregateError ? (error.errors[0] as unknown) : (error as unknown)
      expect(boundaryChain(inner)[0]).toBe("2:t1")
    })
  }

  it("through cancelScope, the failure of a task spawned in the scope", () => {
    const error = thrownBy(() =>
      runVirtual(
        program(function* main() {
          return yield* cancelScope(function* scopeBody() {
            yield* spawnT1()
            yield* sleep(10)
            return "ended"
          })
        }),
      ),
    )
    expect(boundaryChain(error)).toEqual(["2:t1"])
  })

  it("when an unwaited child's failure is thrown into its parent", () => {
    const parent = fn(function* parent(): Generator<Yielded, string, unknown> {
      yield* spawnT1()
      yield* sleep(10)
      return "parent ended"
    })
    const error = thrownBy(() =>
      runVirtual(
        program(function* main() {
          return yield* wait(yield* spawn(parent(), { name: "parent" }))
        }),
      ),
    )
    expect(boundaryChain(error)).toEqual(["3:t1", "2:parent"])
  })

  it("through gatherSettled, a rejected external promise", async () => {
    const refused = fn(function* t1(): Generator<Yielded, never, unknown> {
      yield* sleep(1)
      return yield* awaitPromise(Promise.reject<never>(new Error("connection refused")))
    })
    const results = await runAsync(
      scheduled(
        program(function* main() {
          return yield* gatherSettled(yield* spawn(refused(), { name: "t1" }))
        }),
        { clock: new VirtualClock() },
      ),
    )
    const first = results[0]!
    expect(boundaryChain(first.ok ? undefined : first.error)).toEqual(["2:t1"])
  })

  it("carries the same boundary entry of the failing task through gather and gatherSettled", () => {
    let settledEntry: ContextEntry | undefined
    const error = thrownBy(() =>
      runVirtual(
        program(function* main() {
          const t1 = yield* spawnT1()
          const [settled] = yield* gatherSettled(t1)
          settledEntry = spawnBoundaries(settled!.ok ? undefined : settled!.error)[0]
          return yield* gather(t1)
        }),
      ),
    )
    expect(settledEntry).toBeDefined()
    expect(spawnBoundaries(error)[0]).toBe(settledEntry)
  })
})
