// docs/semantics.md §10 watchdog: spawn/every option `watchdog: { ms?, steps? }`, WatchdogError fields,
// fault semantics, and the precise rules on activations and preemption.

import { get, put, state } from "@effvm/handlers"
import {
  every,
  realClock,
  scheduled,
  sleep,
  spawn,
  TaskCancelledError,
  VirtualClock,
  WatchdogError,
  wait,
} from "@effvm/scheduler"
import {
  Effect,
  fn,
  formatTraceback,
  handler,
  Pass,
  program,
  Resume,
  run,
  runAsync,
  runOutcome,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

/** n performs answered by a handler outside `scheduled`, never blocking. */
const spinLoop = fn(function* spinLoop(n: number) {
  for (let i = 0; i < n; i++) yield* put("i", (yield* get<number>("i")) + 1)
  return n
})

function busyWaitMs(ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until) {
    // a JS loop that burns real time
  }
}

class Tick extends Effect<number> {}

function caught(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected a throw")
}

describe("watchdog: { steps }", () => {
  it("faults the whole run with WatchdogError carrying taskId, taskName, budget, measured and unit", () => {
    let taskId = -1
    const error = caught(() =>
      run(
        scheduled(
          program(function* body() {
            const t = yield* spawn(spinLoop(10_000), {
              name: "spinner",
              watchdog: { steps: 200 },
            })
            taskId = t.id
            return yield* wait(t)
          }),
        ),
        { handlers: [state({ i: 0 })] },
      ),
    )
    expect(error).toBeInstanceOf(WatchdogError)
    const w = error as WatchdogError
    expect(w.taskId).toBe(taskId)
    expect(w.taskName).toBe("spinner")
    expect(w.budget).toBe(200)
    expect(w.measured).toBeGreaterThan(200)
    expect(w.unit).toBe("steps")
    expect(w.message).toContain("spinner")
  })

  it("does not fault a task whose activations stay under the budget", () => {
    const worker = program(function* worker() {
      for (let round = 0; round < 50; round++) {
        yield* spinLoop(5)
        yield* sleep(1)
      }
      return "fine"
    })
    const result = run(
      scheduled(
        program(function* body() {
          return yield* wait(yield* spawn(worker, { watchdog: { steps: 500 } }))
        }),
        { clock: new VirtualClock() },
      ),
      { handlers: [state({ i: 0 })] },
    )
    expect(result).toBe("fine")
  })

  it("keeps counting across preemptions: a preemption is not a suspension", () => {
    // Small quanta preempt the spinner many times; each slice is far below the watchdog
    // budget, but the activation (resume to the next blocking scheduler effect) is not.
    const error = caught(() =>
      run(
        scheduled(
          program(function* body() {
            const other = yield* spawn(
              program(function* other() {
                for (let i = 0; i < 10_000; i++) yield* sleep(0)
              }),
              { daemon: true },
            )
            void other
            return yield* wait(
              yield* spawn(spinLoop(5_000), { name: "spinner", watchdog: { steps: 400 } }),
            )
          }),
          { quanta: 20, clock: new VirtualClock() },
        ),
        { handlers: [state({ i: 0 })] },
      ),
    )
    expect(error).toBeInstanceOf(WatchdogError)
    expect((error as WatchdogError).taskName).toBe("spinner")
  })

  it("counts effects answered by handlers outside `scheduled` (the machine's steps)", () => {
    const answered = program(function* answered() {
      let sum = 0
      for (let i = 0; i < 5_000; i++) sum += yield* new Tick()
      return sum
    })
    const error = caught(() =>
      run(
        scheduled(
          program(function* body() {
            return yield* wait(yield* spawn(answered, { name: "ticker", watchdog: { steps: 300 } }))
          }),
        ),
        { handlers: [handler((eff, k) => (eff instanceof Tick ? Resume(k, 1) : Pass()))] },
      ),
    )
    expect(error).toBeInstanceOf(WatchdogError)
    expect((error as WatchdogError).unit).toBe("steps")
  })

  it("counts only the task's own steps: other tasks' steps while it is preempted do not count", () => {
    const result = run(
      scheduled(
        program(function* body() {
          yield* spawn(
            program(function* noisy() {
              for (;;) {
                yield* spinLoop(50)
                yield* sleep(0)
              }
            }),
            { daemon: true, name: "noisy" },
          )
          return yield* wait(
            yield* spawn(spinLoop(100), { name: "quiet", watchdog: { steps: 1_500 } }),
          )
        }),
        { quanta: 8, clock: new VirtualClock() },
      ),
      { handlers: [state({ i: 0 })] },
    )
    expect(result).toBe(100)
  })

  it("faults an activation that ends over budget, before any preemption or suspension", () => {
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          return yield* wait(
            yield* spawn(spinLoop(100), { name: "short", watchdog: { steps: 50 } }),
          )
        }),
      ),
      { handlers: [state({ i: 0 })] },
    )
    expect(outcome.status).toBe("failed")
    if (outcome.status === "failed") expect(outcome.error).toBeInstanceOf(WatchdogError)
  })

  it("applies to every's activations too", () => {
    const error = caught(() =>
      run(
        scheduled(
          program(function* body() {
            yield* every(100, spinLoop(5_000), { name: "cyclic", watchdog: { steps: 300 } })
            yield* sleep(1_000)
          }),
          { clock: new VirtualClock() },
        ),
        { handlers: [state({ i: 0 })] },
      ),
    )
    expect(error).toBeInstanceOf(WatchdogError)
    expect((error as WatchdogError).taskName).toBe("cyclic")
  })
})

describe("watchdog: { ms }", () => {
  it("measures real elapsed time within an activation, also on the virtual clock", () => {
    const hog = program(function* hog() {
      yield* sleep(5)
      busyWaitMs(60)
      yield* sleep(5)
    })
    const error = caught(() =>
      run(
        scheduled(
          program(function* body() {
            return yield* wait(yield* spawn(hog, { name: "hog", watchdog: { ms: 20 } }))
          }),
          { clock: new VirtualClock() },
        ),
      ),
    )
    expect(error).toBeInstanceOf(WatchdogError)
    const w = error as WatchdogError
    expect(w.unit).toBe("ms")
    expect(w.budget).toBe(20)
    expect(w.measured).toBeGreaterThanOrEqual(20)
    expect(w.taskName).toBe("hog")
    expect(w.message).toContain("hog")
  })

  it("faults an activation that ends over budget without ever suspending", () => {
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          return yield* wait(
            yield* spawn(
              program(function* burner() {
                busyWaitMs(60)
                return 1
              }),
              { name: "burner", watchdog: { ms: 20 } },
            ),
          )
        }),
      ),
    )
    expect(outcome.status).toBe("failed")
    if (outcome.status !== "failed") return
    expect(outcome.error).toBeInstanceOf(WatchdogError)
    expect((outcome.error as WatchdogError).measured).toBeGreaterThanOrEqual(20)
  })

  it("counts only the task's own time: time other tasks take while it is preempted does not count", () => {
    const result = run(
      scheduled(
        program(function* body() {
          yield* spawn(
            program(function* hog() {
              for (;;) {
                busyWaitMs(5)
                yield* put("j", 1)
                yield* put("j", 2)
              }
            }),
            { daemon: true, name: "hog" },
          )
          return yield* wait(yield* spawn(spinLoop(200), { name: "light", watchdog: { ms: 100 } }))
        }),
        { quanta: 8 },
      ),
      { handlers: [state({ i: 0, j: 0 })] },
    )
    expect(result).toBe(200)
  })

  it("does not count virtual sleeps: suspensions end an activation", () => {
    const sleeper = program(function* sleeper() {
      for (let i = 0; i < 5; i++) yield* sleep(10_000)
      return "rested"
    })
    const result = run(
      scheduled(
        program(function* body() {
          return yield* wait(yield* spawn(sleeper, { watchdog: { ms: 50 } }))
        }),
        { clock: new VirtualClock() },
      ),
    )
    expect(result).toBe("rested")
  })

  it("works on the real clock under runAsync", async () => {
    const hog = program(function* hog() {
      yield* sleep(1)
      busyWaitMs(60)
      yield* sleep(1)
    })
    await expect(
      runAsync(
        scheduled(
          program(function* body() {
            return yield* wait(yield* spawn(hog, { name: "hog", watchdog: { ms: 20 } }))
          }),
          { clock: realClock },
        ),
      ),
    ).rejects.toBeInstanceOf(WatchdogError)
  })
})

describe("a watchdog fault", () => {
  it("gives every other task TaskCancelledError and runs the finally blocks of every task", () => {
    const seen: unknown[] = []
    const finals: string[] = []
    const bystander = program(function* bystander() {
      try {
        yield* sleep(1_000_000)
      } catch (error) {
        seen.push(error)
        throw error
      } finally {
        finals.push("bystander")
      }
    })
    const spinner = program(function* spinner() {
      try {
        yield* spinLoop(10_000)
      } finally {
        finals.push("spinner")
      }
    })
    const error = caught(() =>
      run(
        scheduled(
          program(function* body() {
            try {
              yield* spawn(bystander, { name: "bystander" })
              yield* sleep(1)
              return yield* wait(
                yield* spawn(spinner, { name: "spinner", watchdog: { steps: 200 } }),
              )
            } finally {
              finals.push("body")
            }
          }),
          { clock: new VirtualClock() },
        ),
        { handlers: [state({ i: 0 })] },
      ),
    )
    expect(error).toBeInstanceOf(WatchdogError)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeInstanceOf(TaskCancelledError)
    expect(finals.sort()).toEqual(["body", "bystander", "spinner"])
  })

  it("is not un-faulted by catching WatchdogError", () => {
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          try {
            return yield* wait(
              yield* spawn(spinLoop(10_000), { name: "spinner", watchdog: { steps: 200 } }),
            )
          } catch (error) {
            return { recovered: error }
          }
        }),
      ),
      { handlers: [state({ i: 0 })] },
    )
    expect(outcome.status).toBe("failed")
    if (outcome.status === "failed") expect(outcome.error).toBeInstanceOf(WatchdogError)
  })

  it("has a traceback that points into the faulting task", () => {
    const error = caught(() =>
      run(
        scheduled(
          program(function* body() {
            return yield* wait(
              yield* spawn(spinLoop(10_000), { name: "spinner", watchdog: { steps: 200 } }),
            )
          }),
        ),
        { handlers: [state({ i: 0 })] },
      ),
    )
    const text = formatTraceback(error)
    expect(text).toContain("spinLoop")
    expect(text).toContain("spinner")
  })

  it("throws WatchdogError into the faulting task and TaskCancelledError into the task waiting on it", () => {
    const seen: Record<string, unknown> = {}
    const outcome = runOutcome(
      scheduled(
        program(function* body() {
          const dog = yield* spawn(
            program(function* dog() {
              try {
                yield* spinLoop(10_000)
              } catch (error) {
                seen.dog = error
                return "the dog swallowed it"
              }
            }),
            { name: "dog", watchdog: { steps: 200 } },
          )
          try {
            return yield* wait(dog)
          } catch (error) {
            seen.body = error
            return "the body swallowed it"
          }
        }),
      ),
      { handlers: [state({ i: 0 })] },
    )
    expect(seen.dog).toBeInstanceOf(WatchdogError)
    expect(seen.body).toBeInstanceOf(TaskCancelledError)
    expect(outcome.status).toBe("failed")
    if (outcome.status !== "failed") return
    expect(outcome.error).toBeInstanceOf(WatchdogError)
    expect(outcome.taskName).toBe("dog")
    expect(outcome.taskId).toBe((outcome.error as WatchdogError).taskId)
  })
})
