// docs/semantics.md §10 scheduled(body, { maxRounds }) and the precise rules on rounds.

import {
  completePromise,
  createPromise,
  every,
  gather,
  realClock,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "@effvm/scheduler"
import { program, run, runAsync, runOutcome, StopError } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

function caught(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected a throw")
}

/** A body that spawns A in its first activation; A spawns B; B spawns C. */
function chain(log: string[]) {
  const c = program(function* c() {
    log.push("C")
  })
  const b = program(function* b() {
    log.push("B")
    yield* wait(yield* spawn(c))
  })
  const a = program(function* a() {
    log.push("A")
    yield* wait(yield* spawn(b))
  })
  return program(function* body() {
    log.push("body")
    yield* wait(yield* spawn(a))
    return "finished"
  })
}

describe("scheduled(body, { maxRounds })", () => {
  it("counts the body's first activation as round 1", () => {
    const log: string[] = []
    const error = caught(() => run(scheduled(chain(log), { maxRounds: 1 })))
    expect(error).toBeInstanceOf(StopError)
    expect(log).toEqual(["body"])
  })

  it("runs a task made ready during a round first in the next round", () => {
    for (const [rounds, expected] of [
      [2, ["body", "A"]],
      [3, ["body", "A", "B"]],
      [4, ["body", "A", "B", "C"]],
    ] as const) {
      const log: string[] = []
      const outcome = runOutcome(scheduled(chain(log), { maxRounds: rounds }))
      expect(outcome.status).toBe("stopped")
      expect(log).toEqual(expected)
    }
  })

  it("gives every task that was ready when a round began one activation in that round", () => {
    const counts = { a: 0, b: 0, c: 0 }
    const worker = (name: keyof typeof counts) =>
      program(function* worker() {
        counts[name]++
        for (;;) {
          yield* sleep(0)
          counts[name]++
        }
      })
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          yield* spawn(worker("a"))
          yield* spawn(worker("b"))
          yield* spawn(worker("c"))
          const never = yield* createPromise<void>()
          yield* wait(never)
        }),
        { maxRounds: 2, clock: new VirtualClock() },
      ),
    )
    expect(outcome.status).toBe("stopped")
    expect(counts).toEqual({ a: 1, b: 1, c: 1 })
  })

  it("does not count clock jumps as rounds", () => {
    const clock = new VirtualClock()
    let activations = 0
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          // round 1: spawn, then wait; each later round is one wake-up of the sleeper,
          // and the jumps of the virtual clock between them are not rounds.
          yield* wait(
            yield* spawn(
              program(function* sleeper() {
                for (;;) {
                  activations++
                  yield* sleep(100)
                }
              }),
            ),
          )
        }),
        { clock, maxRounds: 4 },
      ),
    )
    expect(outcome.status).toBe("stopped")
    expect(activations).toBe(3)
    expect(clock.now()).toBe(200)
  })

  it("ends the run like vm.stop(): tasks get StopError at their suspension and their finally blocks run", () => {
    const seen: unknown[] = []
    const finals: string[] = []
    const error = caught(() =>
      run(
        scheduled(
          program(function* body() {
            yield* spawn(
              program(function* child() {
                try {
                  for (;;) yield* sleep(10)
                } catch (e) {
                  seen.push(e)
                  throw e
                } finally {
                  finals.push("child")
                }
              }),
            )
            try {
              for (;;) yield* sleep(10)
            } finally {
              finals.push("body")
            }
          }),
          { clock: new VirtualClock(), maxRounds: 5 },
        ),
      ),
    )
    expect(error).toBeInstanceOf(StopError)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeInstanceOf(StopError)
    expect(finals.sort()).toEqual(["body", "child"])
  })

  it("does not stop a run that finishes within the limit", () => {
    expect(run(scheduled(chain([]), { maxRounds: 100 }))).toBe("finished")
  })

  it("works on the real clock under runAsync", async () => {
    let activations = 0
    await expect(
      runAsync(
        scheduled(
          program(function* body() {
            for (;;) {
              activations++
              yield* sleep(1)
            }
          }),
          { clock: realClock, maxRounds: 3 },
        ),
      ),
    ).rejects.toBeInstanceOf(StopError)
    expect(activations).toBe(3)
  })

  it("counts a task woken by a promise completed in a round as ready in the next", () => {
    const log: string[] = []
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          const p = yield* createPromise<string>()
          yield* spawn(
            program(function* waiter() {
              log.push(yield* wait(p))
            }),
          )
          yield* sleep(0)
          yield* completePromise(p, "woken")
          yield* sleep(1_000)
        }),
        { clock: new VirtualClock(), maxRounds: 2 },
      ),
    )
    expect(outcome.status).toBe("stopped")
    expect(log).toEqual([])
  })

  it("runs N scans of a periodic task like a PLC (body's round, then one scan per round)", () => {
    let scans = 0
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          yield* every(
            10,
            program(function* scan() {
              scans++
            }),
          )
          yield* sleep(1_000_000)
        }),
        { maxRounds: 5, clock: new VirtualClock() },
      ),
    )
    expect(outcome.status).toBe("stopped")
    expect(scans).toBe(4)
  })

  it("holds back a higher-priority task made ready during a round until the next round", () => {
    const order = (options: { maxRounds?: number }) => {
      const log: string[] = []
      run(
        scheduled(
          program(function* body() {
            const p = yield* createPromise<number>()
            const high = yield* spawn(
              program(function* high() {
                yield* wait(p)
                log.push("H")
              }),
              { priority: 10 },
            )
            const l1 = yield* spawn(
              program(function* l1() {
                yield* completePromise(p, 1)
                log.push("L1")
              }),
            )
            const l2 = yield* spawn(
              program(function* l2() {
                log.push("L2")
              }),
            )
            yield* gather(high, l1, l2)
          }),
          options,
        ),
      )
      return log
    }
    // by priority alone, H (woken by L1) would run before L2
    expect(order({})).toEqual(["L1", "H", "L2"])
    expect(order({ maxRounds: 100 })).toEqual(["L1", "L2", "H"])
  })

  it("runs a task woken by a promise in the round after the one that completed it", () => {
    const seen = (maxRounds: number) => {
      const log: string[] = []
      runOutcome(
        scheduled(
          program(function* body() {
            const p = yield* createPromise<string>()
            yield* spawn(
              program(function* waiter() {
                log.push(yield* wait(p))
              }),
            )
            yield* spawn(
              program(function* completer() {
                yield* completePromise(p, "woken")
              }),
            )
            yield* wait(yield* createPromise<void>())
          }),
          { maxRounds },
        ),
      )
      return log
    }
    // round 1: body; round 2: waiter blocks, completer completes; round 3: waiter
    expect(seen(2)).toEqual([])
    expect(seen(3)).toEqual(["woken"])
  })
})
