import {
  AwaitExternal,
  Effect,
  fn,
  handler,
  Pass,
  program,
  Resume,
  run,
  runAsync,
  Transfer,
  withHandler,
} from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  awaitPromise,
  createPromise,
  scheduled,
  sleep,
  spawn,
  type Task,
  VirtualClock,
  wait,
} from "../src/index.js"
import { thrownBy } from "./helpers.js"

/** Answered outside `scheduled` by a handler that aborts: the whole scheduled region is abandoned. */
class Bail extends Effect<never> {}
const bailer = handler((_eff: Bail) => "bailed", { name: "bailer", handles: [Bail] })

/** Answered outside `scheduled` (closing `finally` blocks may perform it). */
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
    { name: "noter", handles: [Note] },
  )

const sleeper = fn(function* sleeper(log: string[], name: string, ms: number) {
  try {
    yield* sleep(ms)
    log.push(`${name} woke`)
  } finally {
    log.push(`${name} finally`)
  }
})

const waiter = fn(function* waiter(log: string[], name: string) {
  const never = yield* createPromise<void>()
  try {
    yield* wait(never)
  } finally {
    log.push(`${name} finally`)
  }
})

describe("an abandoned scheduler region closes every task", () => {
  it("runs the finally blocks of blocked, ready and waiting tasks when an outer handler aborts a task's effect", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* spawn(sleeper(log, "sleeper", 100))
      yield* spawn(waiter(log, "waiter"))
      yield* spawn(sleeper(log, "ready", 0))
      yield* sleep(1) // everyone starts and blocks
      yield* spawn(sleeper(log, "never started", 0))
      try {
        yield* new Bail()
      } finally {
        log.push("main finally")
      }
    })

    const result = run(withHandler(bailer, scheduled(main, { clock: new VirtualClock() })))

    expect(result).toBe("bailed")
    // The current task first (its frames are in the aborted region), then the others,
    // newest first; a task that never started has no finally to run.
    expect(log).toEqual([
      "ready woke",
      "ready finally",
      "main finally",
      "waiter finally",
      "sleeper finally",
    ])
  })

  it("closes the tasks of a spawned task that performs the aborted effect", () => {
    const log: string[] = []
    const bailing = program(function* bailing() {
      try {
        yield* new Bail()
      } finally {
        log.push("bailing finally")
      }
    })
    const main = program(function* main() {
      yield* spawn(bailing)
      try {
        yield* sleep(10)
      } finally {
        log.push("main finally")
      }
    })

    expect(run(withHandler(bailer, scheduled(main, { clock: new VirtualClock() })))).toBe("bailed")
    expect(log).toEqual(["bailing finally", "main finally"])
  })

  it("runs every task's finally when an outer handler abandons the machine's park", async () => {
    const log: string[] = []
    // Answers the scheduler's park (every task waits on a JS promise) by abandoning it.
    const noPark = handler((_eff: AwaitExternal<unknown>) => "gave up waiting", {
      name: "noPark",
      handles: [AwaitExternal],
    })
    const hanging = fn(function* hanging(name: string) {
      try {
        yield* awaitPromise(new Promise(() => {}))
      } finally {
        log.push(`${name} finally`)
      }
    })
    const main = program(function* main() {
      yield* spawn(hanging("a"))
      yield* spawn(hanging("b"))
      try {
        yield* awaitPromise(new Promise(() => {}))
      } finally {
        log.push("main finally")
      }
    })

    await expect(runAsync(withHandler(noPark, scheduled(main)))).resolves.toBe("gave up waiting")
    expect(log).toEqual(["b finally", "a finally", "main finally"])
  })

  it("lets closing finally blocks perform effects answered outside the scheduler", () => {
    const log: string[] = []
    const worker = fn(function* worker(name: string) {
      try {
        yield* sleep(100)
      } finally {
        yield* new Note(`${name} noted`)
      }
    })
    const main = program(function* main() {
      yield* spawn(worker("a"))
      yield* spawn(worker("b"))
      yield* sleep(1)
      yield* new Bail()
    })

    const result = run(
      withHandler(noter(log), withHandler(bailer, scheduled(main, { clock: new VirtualClock() }))),
    )

    expect(result).toBe("bailed")
    expect(log).toEqual(["b noted", "a noted"])
  })

  it("throws an error into a closing task's scheduler effect, and the error becomes the outcome", () => {
    const log: string[] = []
    const worker = fn(function* worker(name: string) {
      try {
        yield* sleep(100)
      } finally {
        try {
          yield* sleep(5)
          log.push(`${name} slept in finally`)
        } catch (error) {
          log.push(`${name}: ${(error as Error).message}`)
        }
      }
    })
    const stubborn = program(function* stubborn() {
      try {
        yield* sleep(100)
      } finally {
        yield* sleep(5)
      }
    })
    const main = program(function* main() {
      yield* spawn(stubborn)
      yield* spawn(worker("polite"))
      yield* sleep(1)
      yield* new Bail()
    })

    const error = thrownBy(() =>
      run(withHandler(bailer, scheduled(main, { clock: new VirtualClock() }))),
    )

    expect(log).toEqual([
      'polite: Sleep in task 3 "worker" cannot be answered: its scheduled() region is being abandoned (a handler outside it ended it without resuming), so cleanup running as the region closes cannot use the scheduler.',
    ])
    expect((error as Error).message).toContain('Sleep in task 2 "stubborn" cannot be answered')
  })

  it("throws an error into the current task's scheduler effect while its own frames are closed", () => {
    const log: string[] = []
    const other = fn(function* other() {
      try {
        yield* sleep(100)
      } finally {
        log.push("other finally")
      }
    })
    const main = program(function* main() {
      yield* spawn(other())
      yield* sleep(1)
      try {
        yield* new Bail()
      } finally {
        try {
          yield* sleep(1)
        } catch (error) {
          log.push(`main: ${(error as Error).message.split(":")[0]}`)
        }
      }
    })

    expect(run(withHandler(bailer, scheduled(main, { clock: new VirtualClock() })))).toBe("bailed")
    expect(log).toEqual(['main: Sleep in task 1 "main" cannot be answered', "other finally"])
  })

  it("replaces the abort value with an error a closed task's finally throws, and still closes the rest", () => {
    const log: string[] = []
    const failing = program(function* failing() {
      try {
        yield* sleep(100)
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the test is about a failing cleanup
        throw new Error("cleanup failed")
      }
    })
    const main = program(function* main() {
      yield* spawn(sleeper(log, "first", 100))
      yield* spawn(failing)
      yield* spawn(sleeper(log, "last", 100))
      yield* sleep(1)
      yield* new Bail()
    })

    const error = thrownBy(() =>
      run(withHandler(bailer, scheduled(main, { clock: new VirtualClock() }))),
    )

    expect(String(error)).toBe("Error: cleanup failed")
    expect(log).toEqual(["last finally", "first finally"])
  })

  it("closes the tasks of a scheduler nested in a task of an abandoned outer scheduler", () => {
    const log: string[] = []
    // The inner tasks wait on a JS promise: the inner scheduler parks its outer task.
    const innerChild = program(function* innerChild() {
      try {
        yield* awaitPromise(new Promise(() => {}))
      } finally {
        log.push("inner child finally")
      }
    })
    const inner = program(function* inner() {
      yield* spawn(innerChild)
      try {
        yield* awaitPromise(new Promise(() => {}))
      } finally {
        log.push("inner root finally")
      }
    })
    const main = program(function* main() {
      yield* spawn(scheduled(inner, { clock: new VirtualClock() }), { name: "nest" })
      yield* sleep(0) // the nested run starts, then parks its task
      yield* new Bail()
    })

    expect(run(withHandler(bailer, scheduled(main, { clock: new VirtualClock() })))).toBe("bailed")
    expect(log).toEqual(["inner child finally", "inner root finally"])
  })

  it("still closes the remaining tasks when an outer handler abandons the closing itself", () => {
    const log: string[] = []
    class BailAgain extends Effect<never> {}
    const outermost = handler((_eff: BailAgain) => "bailed again", { handles: [BailAgain] })
    const bailsInCleanup = program(function* bailsInCleanup() {
      try {
        yield* sleep(100)
      } finally {
        log.push("b finally")
        yield* new BailAgain()
        log.push("never")
      }
    })
    const main = program(function* main() {
      yield* spawn(sleeper(log, "a", 100))
      yield* spawn(bailsInCleanup)
      yield* spawn(sleeper(log, "c", 100))
      yield* sleep(1)
      try {
        yield* new Bail()
      } finally {
        log.push("main finally")
      }
    })

    const result = run(
      withHandler(outermost, withHandler(bailer, scheduled(main, { clock: new VirtualClock() }))),
    )

    expect(result).toBe("bailed again")
    expect(log).toEqual(["main finally", "c finally", "b finally", "a finally"])
  })

  it("closes a non-tail between handler held by an abandoned task, so its finally runs", () => {
    const log: string[] = []
    class Ask extends Effect<number> {}
    const around = handler(
      function* around(_eff: Ask, k) {
        try {
          return yield* Resume(k, 1)
        } finally {
          log.push("around finally")
        }
      },
      { handles: [Ask] },
    )
    const child = program(function* child() {
      yield* new Ask()
      try {
        yield* sleep(100)
      } finally {
        log.push("child finally")
      }
    })
    const main = program(function* main() {
      yield* withHandler(
        around,
        program(function* spawner() {
          return yield* spawn(child)
        }),
      )
      yield* sleep(1)
      yield* new Bail()
    })

    expect(run(withHandler(bailer, scheduled(main, { clock: new VirtualClock() })))).toBe("bailed")
    expect(log).toEqual(["child finally", "around finally"])
  })

  it("runs each task's finally exactly once whatever task bails and when (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 0, max: 25 }),
        (sleeps, who, when) => {
          const counts = new Map<number, number>()
          const bailer_ = who % sleeps.length
          const worker = fn(function* worker(i: number, ms: number) {
            try {
              yield* sleep(ms)
              if (i === bailer_) {
                yield* sleep(when)
                yield* new Bail()
              }
              yield* sleep(1000)
            } finally {
              counts.set(i, (counts.get(i) ?? 0) + 1)
            }
          })
          const main = program(function* main() {
            for (let i = 0; i < sleeps.length; i++) yield* spawn(worker(i, sleeps[i]!))
            yield* sleep(10_000)
          })

          const result = run(withHandler(bailer, scheduled(main, { clock: new VirtualClock() })))

          expect(result).toBe("bailed")
          expect([...counts.entries()].sort((a, b) => a[0] - b[0])).toEqual(
            sleeps.map((_, i) => [i, 1]),
          )
        },
      ),
    )
  })
})

describe("every finally runs exactly once (property)", () => {
  it("holds for tasks under a non-tail between handler, whether the run ends normally or is abandoned", () => {
    class Ask extends Effect<number> {}
    fc.assert(
      fc.property(
        fc.array(fc.record({ ms: fc.integer({ min: 0, max: 20 }), wrapped: fc.boolean() }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        (tasks, bailAt) => {
          const finallies = new Map<string, number>()
          const count = (key: string) => finallies.set(key, (finallies.get(key) ?? 0) + 1)
          const around = handler(
            function* around(_eff: Ask, k) {
              try {
                return yield* Resume(k, 1)
              } finally {
                count("around")
              }
            },
            { handles: [Ask] },
          )
          const worker = fn(function* worker(i: number, ms: number, wrapped: boolean) {
            try {
              if (wrapped) yield* new Ask()
              yield* sleep(ms)
              return i
            } finally {
              count(`task ${i}`)
            }
          })
          const main = program(function* main() {
            const spawned = []
            for (let i = 0; i < tasks.length; i++) {
              const { ms, wrapped } = tasks[i]!
              const spawnIt = program(function* spawnIt() {
                return yield* spawn(worker(i, ms, wrapped))
              })
              spawned.push(yield* wrapped ? withHandler(around, spawnIt) : spawnIt)
            }
            if (bailAt !== undefined) {
              yield* sleep(bailAt)
              yield* new Bail()
            }
            let sum = 0
            for (const task of spawned) sum += yield* wait(task)
            return sum
          })

          const result = run(withHandler(bailer, scheduled(main, { clock: new VirtualClock() })))

          expect(result).toBe(
            bailAt === undefined ? (tasks.length * (tasks.length - 1)) / 2 : "bailed",
          )
          const wrapped = tasks.filter((t) => t.wrapped).length
          expect(finallies.get("around") ?? 0).toBe(wrapped)
          for (let i = 0; i < tasks.length; i++) expect(finallies.get(`task ${i}`)).toBe(1)
        },
      ),
    )
  })
})

describe("a handler between scheduled and a spawn site", () => {
  it("sees the spawned task's final value after a non-tail resume, and its finally runs", () => {
    const log: string[] = []
    class Ask extends Effect<number> {}
    const around = handler(
      function* around(_eff: Ask, k) {
        try {
          const final = yield* Resume(k, 20)
          log.push(`saw ${String(final)}`)
          return (final as number) + 1
        } finally {
          log.push("around finally")
        }
      },
      { handles: [Ask] },
    )
    const child = program(function* child() {
      return (yield* new Ask()) * 2
    })
    const main = program(function* main() {
      const task = yield* withHandler(
        around,
        program(function* spawner() {
          return yield* spawn(child)
        }),
      )
      // The type allows `around`'s own return value in place of the task: it never aborts here.
      return yield* wait(task as Task<number>)
    })

    expect(run(scheduled(main, { clock: new VirtualClock() }))).toBe(41)
    expect(log).toEqual(["saw 40", "around finally"])
  })

  it("ends only the spawned task when it aborts there, with its value", () => {
    class Stop extends Effect<never> {}
    const stopper = handler((_eff: Stop) => "stopped early", { handles: [Stop] })
    const child = program(function* child() {
      yield* new Stop()
      return "never"
    })
    const main = program(function* main() {
      const task = yield* withHandler(
        stopper,
        program(function* spawner() {
          return yield* spawn(child)
        }),
      )
      yield* sleep(1)
      // The abort ends only the spawned task: the spawner's withHandler gives the task.
      return [yield* wait(task as Task<string>), "main went on"]
    })

    expect(run(scheduled(main, { clock: new VirtualClock() }))).toEqual([
      "stopped early",
      "main went on",
    ])
  })

  it("sees a spawned task's error at its resume and may recover from it", () => {
    class Ask extends Effect<number> {}
    const recovering = handler(
      function* recovering(_eff: Ask, k) {
        try {
          return yield* Resume(k, 1)
        } catch (error) {
          return `recovered from ${(error as Error).message}`
        }
      },
      { handles: [Ask] },
    )
    const child = program(function* child() {
      yield* new Ask()
      throw new Error("child broke")
    })
    const main = program(function* main() {
      const task = yield* withHandler(
        recovering,
        program(function* spawner() {
          return yield* spawn(child)
        }),
      )
      return yield* wait(task)
    })

    expect(run(scheduled(main, { clock: new VirtualClock() }))).toBe("recovered from child broke")
  })

  it("leaves other effects passed by the between handler to the scheduler", () => {
    const passing = handler(function* passing() {
      return yield* Pass()
    })
    const child = program(function* child() {
      yield* sleep(5)
      return "slept"
    })
    const main = program(function* main() {
      const task = yield* withHandler(
        passing,
        program(function* spawner() {
          return yield* spawn(child)
        }),
      )
      return yield* wait(task)
    })

    expect(run(scheduled(main, { clock: new VirtualClock() }))).toBe("slept")
  })
})
