// docs/semantics.md §7 scheduler, checked black-box by package name.
import { get, put, state } from "@effvm/handlers"
import {
  acquire,
  awaitPromise,
  cancel,
  completePromise,
  createPromise,
  createSemaphore,
  failPromise,
  gather,
  gatherSettled,
  race,
  realClock,
  release,
  SchedulerDeadlockError,
  scheduled,
  sleep,
  spawn,
  type Task,
  TaskCancelledError,
  VirtualClock,
  wait,
} from "@effvm/scheduler"
import {
  Effect,
  fn,
  GetExecutionContext,
  getExecutionContext,
  handler,
  Interrupt,
  Pass,
  program,
  Resume,
  ResumeThrow,
  run,
  runAsync,
  withHandler,
  withHandlers,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Num extends Effect<number> {}

const virtual = <T>(body: ReturnType<typeof program<T>>) =>
  run(scheduled(body, { clock: new VirtualClock() }))

const caughtFrom = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error("expected a throw")
}

const value = <T>(v: T, ms = 0) =>
  program(function* () {
    if (ms > 0) yield* sleep(ms)
    return v
  })

describe("§7 spawn and ordering", () => {
  it("spawn returns a Task and the spawner continues before the child runs", () => {
    const log: string[] = []
    const p = program(function* () {
      const t = yield* spawn(
        program(function* () {
          log.push("child")
          return 1
        }),
      )
      log.push("spawner continues")
      const r = yield* wait(t)
      return r
    })
    expect(virtual(p)).toBe(1)
    expect(log).toEqual(["spawner continues", "child"])
  })

  it("ready tasks run by priority (higher first), FIFO among equals", () => {
    const log: string[] = []
    const tag = (s: string) =>
      program(function* () {
        log.push(s)
      })
    const p = program(function* () {
      const ts: Task<void>[] = []
      ts.push(yield* spawn(tag("low-a"), { priority: 0 }))
      ts.push(yield* spawn(tag("high-a"), { priority: 5 }))
      ts.push(yield* spawn(tag("low-b"), { priority: 0 }))
      ts.push(yield* spawn(tag("high-b"), { priority: 5 }))
      ts.push(yield* spawn(tag("mid"), { priority: 2 }))
      yield* gather(...ts)
    })
    virtual(p)
    expect(log).toEqual(["high-a", "high-b", "mid", "low-a", "low-b"])
  })

  it("the spawner continues after spawn even when the child has a higher priority", () => {
    const log: string[] = []
    const p = program(function* () {
      const t = yield* spawn(
        program(function* () {
          log.push("child")
        }),
        { priority: 10 },
      )
      log.push("spawner continues")
      yield* wait(t)
    })
    virtual(p)
    expect(log).toEqual(["spawner continues", "child"])
  })

  it("tasks made ready together by a promise run by priority, FIFO among equals", () => {
    const log: string[] = []
    const p = program(function* () {
      const pr = yield* createPromise<number>()
      const waiter = (name: string, priority: number) =>
        spawn(
          program(function* () {
            yield* wait(pr)
            log.push(name)
          }),
          { priority },
        )
      const ts = [yield* waiter("low-a", 0), yield* waiter("high", 5), yield* waiter("low-b", 0)]
      yield* sleep(1)
      yield* completePromise(pr, 1)
      yield* gather(...ts)
    })
    virtual(p)
    expect(log).toEqual(["high", "low-a", "low-b"])
  })

  it("spawn takes a name option that shows on the task", () => {
    const p = program(function* () {
      const t = yield* spawn(value(1), { name: "named task" })
      yield* wait(t)
      return t.name
    })
    expect(virtual(p)).toBe("named task")
  })
})

describe("§7 wait, gather, gatherSettled, race", () => {
  it("wait(task) evaluates to the task's result", () => {
    expect(
      virtual(
        program(function* () {
          const t = yield* spawn(value("r", 3))
          return yield* wait(t)
        }),
      ),
    ).toBe("r")
  })

  it("gather returns results in input order, accepting tasks and programs", () => {
    const p = program(function* () {
      const t = yield* spawn(value("task", 5))
      return yield* gather(value("slow", 10), t, value("fast", 1))
    })
    expect(virtual(p)).toEqual(["slow", "task", "fast"])
  })

  it("gather fails fast and cancels the unfinished rest, whose finally blocks ran before it throws", () => {
    const log: string[] = []
    const err = new Error("first fails")
    const slow = program(function* () {
      try {
        yield* sleep(100)
        log.push("slow finished")
      } finally {
        log.push("slow finally")
      }
    })
    const failing = program(function* () {
      yield* sleep(1)
      throw err
    })
    const p = program(function* () {
      try {
        yield* gather(slow, failing)
      } catch (e) {
        log.push(e === err ? "gather threw" : "other")
      }
    })
    virtual(p)
    expect(log).toEqual(["slow finally", "gather threw"])
  })

  it("gatherSettled reports each input in order as { ok: true, value } | { ok: false, error }", () => {
    const err = new Error("bad")
    const p = program(function* () {
      return yield* gatherSettled(
        value(1, 5),
        program(function* () {
          yield* sleep(1)
          throw err
        }),
        value("c"),
      )
    })
    const r = virtual(p)
    expect(r).toStrictEqual([
      { ok: true, value: 1 },
      { ok: false, error: err },
      { ok: true, value: "c" },
    ])
    expect((r[1] as { error: unknown }).error).toBe(err)
  })

  it("gatherSettled reports a cancelled task as { ok: false, error: TaskCancelledError }", () => {
    const p = program(function* () {
      const t = yield* spawn(value("never", 100))
      const c = yield* spawn(
        program(function* () {
          yield* sleep(1)
          yield* cancel(t)
        }),
      )
      const [r] = yield* gatherSettled(t, c)
      return r
    })
    const r = virtual(p) as { ok: boolean; error?: unknown }
    expect(r.ok).toBe(false)
    expect(r.error).toBeInstanceOf(TaskCancelledError)
  })

  it("race: the first to finish wins and the rest are cancelled, their finally blocks done before it returns", () => {
    const log: string[] = []
    const loser = program(function* () {
      try {
        yield* sleep(50)
        return "loser"
      } finally {
        log.push("loser finally")
      }
    })
    const p = program(function* () {
      const w = yield* race(loser, value("winner", 5))
      log.push(`race returned ${w}`)
      return w
    })
    expect(virtual(p)).toBe("winner")
    expect(log).toEqual(["loser finally", "race returned winner"])
  })

  it("race: a failed task counts as finishing, so the winner may be a failure", () => {
    const err = new Error("fast failure")
    const p = program(function* () {
      return yield* race(
        value("slow", 50),
        program(function* () {
          yield* sleep(1)
          throw err
        }),
      )
    })
    expect(caughtFrom(() => virtual(p))).toBe(err)
  })

  it("race: a cancelled task counts as finishing", () => {
    const p = program(function* () {
      const t = yield* spawn(value("never", 100))
      yield* spawn(
        program(function* () {
          yield* sleep(1)
          yield* cancel(t)
        }),
      )
      return yield* race(t, value("slow", 50))
    })
    expect(caughtFrom(() => virtual(p))).toBeInstanceOf(TaskCancelledError)
  })

  it("an empty race is a TypeError", () => {
    const p = program(function* () {
      return yield* race()
    })
    expect(caughtFrom(() => virtual(p))).toBeInstanceOf(TypeError)
  })
})

describe("§7 cancellation", () => {
  it("TaskCancelledError is an Interrupt", () => {
    const p = program(function* () {
      const t = yield* spawn(value("never", 100))
      yield* cancel(t)
      try {
        return yield* wait(t)
      } catch (e) {
        return e
      }
    })
    const e = virtual(p)
    expect(e).toBeInstanceOf(TaskCancelledError)
    expect(e).toBeInstanceOf(Interrupt)
  })

  it("cancel throws TaskCancelledError into the task at its suspension, once; its finally runs and may perform scheduler effects", () => {
    const log: string[] = []
    const victim = program(function* () {
      try {
        yield* sleep(100)
      } catch (e) {
        log.push(e instanceof TaskCancelledError ? "got TaskCancelledError" : "other")
        throw e
      } finally {
        yield* sleep(5)
        log.push("async cleanup done")
      }
    })
    const p = program(function* () {
      const t = yield* spawn(victim)
      yield* sleep(1)
      yield* cancel(t)
      try {
        yield* wait(t)
      } catch (e) {
        log.push(e instanceof TaskCancelledError ? "waiter got TaskCancelledError" : "other")
      }
    })
    virtual(p)
    expect(log).toEqual([
      "got TaskCancelledError",
      "async cleanup done",
      "waiter got TaskCancelledError",
    ])
  })

  it("a task that swallows the cancellation and goes on is still cancelled: its result is discarded", () => {
    let throws = 0
    const stubborn = program(function* () {
      try {
        yield* sleep(100)
      } catch {
        throws++
      }
      yield* sleep(1)
      return "went on"
    })
    const p = program(function* () {
      const t = yield* spawn(stubborn)
      yield* sleep(1)
      yield* cancel(t)
      try {
        return yield* wait(t)
      } catch (e) {
        return e
      }
    })
    expect(virtual(p)).toBeInstanceOf(TaskCancelledError)
    expect(throws).toBe(1)
  })
})

describe("§7 handlers seen by spawned tasks", () => {
  it("a spawned task runs under the same handler instances between scheduled and the spawn site", () => {
    const p = program(function* () {
      yield* put("n", 1)
      const t = yield* spawn(
        program(function* () {
          yield* put("n", (yield* get<number>("n")) + 10)
        }),
      )
      yield* wait(t)
      return yield* get<number>("n")
    })
    const r = run(scheduled(withHandler(state({}), p), { clock: new VirtualClock() }))
    expect(r).toBe(11)
  })

  it("a spawned task also sees the handlers outside scheduled", () => {
    const outside = handler((eff, k) => (eff instanceof Num ? Resume(k, 33) : Pass()))
    const p = program(function* () {
      const t = yield* spawn(
        program(function* () {
          return yield* new Num()
        }),
      )
      return yield* wait(t)
    })
    expect(run(withHandler(outside, scheduled(p, { clock: new VirtualClock() })))).toBe(33)
  })

  it("handlers between scheduled and the spawn site come before those outside scheduled", () => {
    const outside = handler((eff, k) => (eff instanceof Num ? Resume(k, 1) : Pass()))
    const inside = handler((eff, k) => (eff instanceof Num ? Resume(k, 2) : Pass()))
    const p = withHandler(
      inside,
      program(function* () {
        const t = yield* spawn(
          program(function* () {
            return yield* new Num()
          }),
        )
        return yield* wait(t)
      }),
    )
    expect(run(withHandler(outside, scheduled(p, { clock: new VirtualClock() })))).toBe(2)
  })
})

describe("§7 structured lifetime", () => {
  it("a task's unfinished non-daemon children are cancelled when it ends", () => {
    const log: string[] = []
    const child = program(function* () {
      try {
        yield* sleep(100)
        log.push("child finished")
      } catch (e) {
        log.push(e instanceof TaskCancelledError ? "child cancelled" : "other")
        throw e
      }
    })
    const parent = program(function* () {
      yield* spawn(child)
      yield* sleep(1)
      return "parent done"
    })
    const p = program(function* () {
      const t = yield* spawn(parent)
      const r = yield* wait(t)
      yield* sleep(200)
      return r
    })
    expect(virtual(p)).toBe("parent done")
    expect(log).toEqual(["child cancelled"])
  })

  it("a child's failure nobody waits for is thrown into its parent at the parent's current suspension", () => {
    const err = new Error("orphan failure")
    const p = program(function* () {
      yield* spawn(
        program(function* () {
          yield* sleep(1)
          throw err
        }),
      )
      try {
        yield* sleep(100)
        return "not interrupted"
      } catch (e) {
        return e === err ? "parent got child's error" : "other"
      }
    })
    expect(virtual(p)).toBe("parent got child's error")
  })

  it("a child's failure that someone waits for is not thrown into the parent", () => {
    const p = program(function* () {
      const child = yield* spawn(
        program(function* () {
          yield* sleep(2)
          throw new Error("child fails")
        }),
      )
      yield* spawn(
        program(function* () {
          try {
            yield* wait(child)
          } catch {}
        }),
      )
      try {
        yield* sleep(10)
        return "parent not interrupted"
      } catch {
        return "parent interrupted"
      }
    })
    expect(virtual(p)).toBe("parent not interrupted")
  })

  it("a child that ends by cancellation has not failed: the parent is not interrupted", () => {
    const p = program(function* () {
      const t = yield* spawn(value("x", 50))
      yield* sleep(1)
      yield* cancel(t)
      yield* sleep(100)
      return "parent unaffected"
    })
    expect(virtual(p)).toBe("parent unaffected")
  })
})

describe("§7 promises and semaphores", () => {
  it("createPromise / completePromise: wait(handle) gets the value", () => {
    const p = program(function* () {
      const h = yield* createPromise<string>()
      yield* spawn(
        program(function* () {
          yield* sleep(2)
          yield* completePromise(h, "settled")
        }),
      )
      return yield* wait(h)
    })
    expect(virtual(p)).toBe("settled")
  })

  it("failPromise: wait(handle) throws the error", () => {
    const err = new Error("promise failed")
    const p = program(function* () {
      const h = yield* createPromise<string>()
      yield* spawn(
        program(function* () {
          yield* failPromise(h, err)
        }),
      )
      return yield* wait(h)
    })
    expect(caughtFrom(() => virtual(p))).toBe(err)
  })

  it("settling a promise twice is an error", () => {
    const p = program(function* () {
      const h = yield* createPromise<number>()
      yield* completePromise(h, 1)
      try {
        yield* completePromise(h, 2)
        return "no error"
      } catch (e) {
        return e instanceof Error ? "error" : "other"
      }
    })
    expect(virtual(p)).toBe("error")
    const q = program(function* () {
      const h = yield* createPromise<number>()
      yield* completePromise(h, 1)
      yield* failPromise(h, new Error("late"))
    })
    expect(caughtFrom(() => virtual(q))).toBeInstanceOf(Error)
  })

  it("a semaphore hands permits over FIFO", () => {
    const log: string[] = []
    const p = program(function* () {
      const sem = yield* createSemaphore(1)
      const user = (name: string) =>
        program(function* () {
          yield* acquire(sem)
          log.push(`${name} in`)
          yield* sleep(1)
          log.push(`${name} out`)
          yield* release(sem)
        })
      yield* gather(user("a"), user("b"), user("c"))
    })
    virtual(p)
    expect(log).toEqual(["a in", "a out", "b in", "b out", "c in", "c out"])
  })

  it("one release too many is an error", () => {
    const p = program(function* () {
      const sem = yield* createSemaphore(1)
      yield* release(sem)
    })
    expect(caughtFrom(() => virtual(p))).toBeInstanceOf(Error)
  })
})

describe("§7 time", () => {
  it("a VirtualClock runs time-based programs instantly under run", () => {
    const started = Date.now()
    const p = program(function* () {
      yield* sleep(60_000)
      return "an hour later, instantly"
    })
    expect(virtual(p)).toBe("an hour later, instantly")
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it("tasks wake in time order, FIFO among equal times", () => {
    const log: string[] = []
    const sleeper = (name: string, ms: number) =>
      program(function* () {
        yield* sleep(ms)
        log.push(name)
      })
    virtual(
      program(function* () {
        yield* gather(
          sleeper("c30", 30),
          sleeper("a10", 10),
          sleeper("b10", 10),
          sleeper("d20", 20),
        )
      }),
    )
    expect(log).toEqual(["a10", "b10", "d20", "c30"])
  })

  it("the virtual clock's now() moves to the timer's time", () => {
    const clock = new VirtualClock()
    const start = clock.now()
    run(
      scheduled(
        program(function* () {
          yield* sleep(250)
        }),
        { clock },
      ),
    )
    expect(clock.now() - start).toBe(250)
  })

  it("realClock uses timers under runAsync", async () => {
    const p = program(function* () {
      yield* sleep(5)
      return "slept"
    })
    expect(await runAsync(scheduled(p, { clock: realClock }))).toBe("slept")
  })

  it("awaitPromise parks the task on a JS promise while other tasks go on", async () => {
    const log: string[] = []
    let resolve!: (v: string) => void
    const external = new Promise<string>((r) => {
      resolve = r
    })
    const p = program(function* () {
      const parked = yield* spawn(
        program(function* () {
          const v = yield* awaitPromise(external)
          log.push(`external ${v}`)
        }),
      )
      yield* spawn(
        program(function* () {
          log.push("other task ran")
          resolve("done")
        }),
      )
      yield* wait(parked)
    })
    await runAsync(scheduled(p))
    expect(log).toEqual(["other task ran", "external done"])
  })
})

describe("§7 fairness and deadlock", () => {
  it("a task performing many effects answered outside scheduled is preempted after its quanta", () => {
    const log: string[] = []
    const outside = handler((eff, k) => (eff instanceof Num ? Resume(k, 1) : Pass()))
    const busy = program(function* () {
      let s = 0
      for (let i = 0; i < 10_000; i++) s += yield* new Num()
      log.push("busy done")
      return s
    })
    const other = program(function* () {
      log.push("other ran")
    })
    const p = program(function* () {
      yield* gather(busy, other)
    })
    run(withHandler(outside, scheduled(p, { quanta: 100, clock: new VirtualClock() })))
    expect(log).toEqual(["other ran", "busy done"])
  })

  it("when every task waits on something only another task could give, the run fails with SchedulerDeadlockError listing the blocked tasks", () => {
    const p = program(function* () {
      const h = yield* createPromise<number>()
      const t = yield* spawn(
        program(function* () {
          return yield* wait(h)
        }),
        { name: "stuck waiter" },
      )
      return yield* wait(t)
    })
    const e = caughtFrom(() => virtual(p))
    expect(e).toBeInstanceOf(SchedulerDeadlockError)
    expect((e as Error).message).toContain("stuck waiter")
  })
})

describe("§7 spawn-chain enrichment", () => {
  const boundaries = (e: unknown) =>
    (getExecutionContext(e)?.entries ?? []).filter((x) => x.kind === "spawn_boundary")

  it("a child's error rethrown into waiting parents accumulates boundaries, innermost first", () => {
    const err = new Error("leaf failed")
    const leaf = fn(function* leaf() {
      yield* sleep(1)
      throw err
    })
    const mid = fn(function* mid() {
      const t = yield* spawn(leaf(), { name: "leaf" })
      return yield* wait(t)
    })
    const p = program(function* () {
      const t = yield* spawn(mid(), { name: "mid" })
      return yield* wait(t)
    })
    expect(caughtFrom(() => virtual(p))).toBe(err)
    const b = boundaries(err)
    expect(b.map((x) => x.name)).toEqual(["leaf", "mid"])
    for (const x of b) {
      expect(x).toHaveProperty("taskId")
      expect(x).toHaveProperty("parentId")
      expect(x).toHaveProperty("spawnSite")
    }
    expect(b[0]!.parentId).toBe(b[1]!.taskId)
  })

  it("an error not enriched in its task (an unhandled effect) gets that task's boundary before it crosses", () => {
    const p = program(function* () {
      const t = yield* spawn(
        program(function* () {
          return yield* new Num()
        }),
        { name: "unhandled child" },
      )
      return yield* wait(t)
    })
    const e = caughtFrom(() => virtual(p))
    expect(boundaries(e).map((x) => x.name)).toEqual(["unhandled child"])
  })

  it("a handler's error gets its task's boundary before it crosses", () => {
    const herr = new Error("handler failed")
    const outside = handler((eff) => {
      if (eff instanceof Num) throw herr
      return Pass()
    })
    const p = program(function* () {
      const t = yield* spawn(
        program(function* () {
          return yield* new Num()
        }),
        { name: "child" },
      )
      return yield* wait(t)
    })
    const e = caughtFrom(() =>
      run(withHandler(outside, scheduled(p, { clock: new VirtualClock() }))),
    )
    expect(e).toBe(herr)
    expect(boundaries(e).map((x) => x.name)).toEqual(["child"])
  })

  it("a rejected external promise gets its task's boundary before it crosses", async () => {
    const rejection = new Error("rejected")
    const p = program(function* () {
      const t = yield* spawn(
        program(function* () {
          return yield* awaitPromise(Promise.reject(rejection))
        }),
        { name: "awaiter" },
      )
      return yield* wait(t)
    })
    const e = await runAsync(scheduled(p)).catch((x: unknown) => x)
    expect(e).toBe(rejection)
    expect(boundaries(e).map((x) => x.name)).toEqual(["awaiter"])
  })

  it("the scheduler delegates first: handlers outside scheduled enrich before the boundary is added", () => {
    const outsideEnricher = handler(function* outsideEnricher(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      eff.context.add({ kind: "outside" })
      return yield* Resume(k, eff.context)
    })
    const err = new Error("child fails")
    const p = program(function* () {
      const t = yield* spawn(
        program(function* () {
          throw err
        }),
        { name: "c" },
      )
      return yield* wait(t)
    })
    caughtFrom(() => run(withHandler(outsideEnricher, scheduled(p, { clock: new VirtualClock() }))))
    const kinds = getExecutionContext(err)!.entries.map((x) => x.kind)
    expect(kinds.indexOf("outside")).toBeGreaterThanOrEqual(0)
    expect(kinds.indexOf("outside")).toBeLessThan(kinds.indexOf("spawn_boundary"))
  })
})

describe("§7 more ordering and lifetime details", () => {
  it("daemon children are not cancelled when their parent ends", () => {
    const log: string[] = []
    const parent = program(function* () {
      yield* spawn(
        program(function* () {
          yield* sleep(10)
          log.push("daemon finished")
        }),
        { daemon: true },
      )
      return "parent done"
    })
    const p = program(function* () {
      const t = yield* spawn(parent)
      yield* wait(t)
      yield* sleep(50)
      return log
    })
    expect(virtual(p)).toEqual(["daemon finished"])
  })

  it("race cancels losing task inputs the user spawned; waiting on them gives TaskCancelledError", () => {
    const p = program(function* () {
      const loser = yield* spawn(value("loser", 50))
      const winner = yield* spawn(value("winner", 5))
      const w = yield* race(loser, winner)
      try {
        yield* wait(loser)
        return "loser not cancelled"
      } catch (e) {
        return e instanceof TaskCancelledError ? `${w}; loser cancelled` : "other"
      }
    })
    expect(virtual(p)).toBe("winner; loser cancelled")
  })

  it("gather cancels unfinished task inputs when one fails", () => {
    const p = program(function* () {
      const slow = yield* spawn(value("slow", 50))
      const bad = yield* spawn(
        program(function* () {
          yield* sleep(1)
          throw new Error("bad")
        }),
      )
      try {
        yield* gather(slow, bad)
      } catch {}
      try {
        yield* wait(slow)
        return "slow not cancelled"
      } catch (e) {
        return e instanceof TaskCancelledError ? "slow cancelled" : "other"
      }
    })
    expect(virtual(p)).toBe("slow cancelled")
  })

  it("race returns only after a cancelled loser's asynchronous cleanup has finished", () => {
    const log: string[] = []
    const loser = program(function* () {
      try {
        yield* sleep(50)
      } finally {
        yield* sleep(20)
        log.push("loser cleanup done")
      }
    })
    const p = program(function* () {
      yield* race(loser, value("w", 1))
      log.push("race returned")
    })
    virtual(p)
    expect(log).toEqual(["loser cleanup done", "race returned"])
  })

  it("cancellation is thrown into a task once, even when cancelled twice", () => {
    let throws = 0
    const stubborn = program(function* () {
      for (let i = 0; i < 3; i++) {
        try {
          yield* sleep(10)
        } catch {
          throws++
        }
      }
    })
    const p = program(function* () {
      const t = yield* spawn(stubborn)
      yield* sleep(1)
      yield* cancel(t)
      yield* sleep(12)
      yield* cancel(t)
      yield* sleep(50)
    })
    virtual(p)
    expect(throws).toBe(1)
  })
})

describe("§7 the preemption effect and running parents", () => {
  const outside = handler((eff, k) => (eff instanceof Num ? Resume(k, 1) : Pass()))
  const busy = program(function* () {
    let s = 0
    for (let i = 0; i < 2000; i++) s += yield* new Num()
    return s
  })
  const effectsSeenInside = (quanta: number) => {
    const seen = new Set<unknown>()
    let declaredCalls = 0
    const catchAll = handler((eff) => {
      seen.add(eff.constructor)
      return Pass()
    })
    const onlyNum = handler(
      () => {
        declaredCalls++
        return Pass()
      },
      { handles: [Num] },
    )
    const p = withHandlers(
      [catchAll, onlyNum],
      program(function* () {
        return yield* gather(busy, busy)
      }),
    )
    const r = run(withHandler(outside, scheduled(p, { quanta, clock: new VirtualClock() })))
    return { r, seen, declaredCalls }
  }

  it("the preemption effect reaches catch-all handlers but not handlers that declare handles", () => {
    const calm = effectsSeenInside(1_000_000)
    const busyRun = effectsSeenInside(50)
    expect(busyRun.r).toEqual([2000, 2000])
    const extra = [...busyRun.seen].filter((c) => !calm.seen.has(c))
    expect(extra.length).toBeGreaterThan(0)
    expect(busyRun.declaredCalls).toBe(4000)
  })

  it("a child's unwaited failure while its parent is running is thrown at the parent's next suspension", () => {
    const p = program(function* () {
      yield* spawn(
        program(function* () {
          throw new Error("child boom")
        }),
      )
      let s = 0
      for (let i = 0; i < 5; i++) s += yield* new Num()
      try {
        yield* sleep(5)
        return `not thrown ${s}`
      } catch (e) {
        return `thrown at next suspension after ${s}: ${(e as Error).message}`
      }
    })
    expect(run(withHandler(outside, scheduled(p, { clock: new VirtualClock() })))).toBe(
      "thrown at next suspension after 5: child boom",
    )
  })

  it("an error thrown by ResumeThrow in a child gets the child's boundary when it crosses into the parent", () => {
    const thrown = new Error("resume-thrown")
    const thrower = handler((eff, k) => (eff instanceof Num ? ResumeThrow(k, thrown) : Pass()))
    const p = program(function* () {
      const t = yield* spawn(
        program(function* () {
          return yield* new Num()
        }),
        { name: "rt child" },
      )
      return yield* wait(t)
    })
    const e = caughtFrom(() =>
      run(withHandler(thrower, scheduled(p, { clock: new VirtualClock() }))),
    )
    expect(e).toBe(thrown)
    const names = (getExecutionContext(e)?.entries ?? [])
      .filter((x) => x.kind === "spawn_boundary")
      .map((x) => x.name)
    expect(names).toEqual(["rt child"])
  })
})

describe("§7 the scheduler answers GetExecutionContext itself", () => {
  it("user code in a task performing GetExecutionContext gets the task's spawn boundary", () => {
    const p = program(function* () {
      const t = yield* spawn(
        program(function* () {
          const ctx = yield* new GetExecutionContext(new Error("asked"))
          return ctx.entries
        }),
        { name: "asker" },
      )
      return yield* wait(t)
    })
    const entries = virtual(p)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ kind: "spawn_boundary", name: "asker" })
  })
})
