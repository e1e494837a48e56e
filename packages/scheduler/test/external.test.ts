import {
  awaitExternal,
  fn,
  handler,
  program,
  run,
  runAsync,
  Transfer,
  withHandler,
  type Yielded,
} from "@effvm/vm-core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  awaitPromise,
  cancel,
  gather,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "../src/index.js"
import { Tick, thrownBy } from "./helpers.js"

/** A promise settled by the test itself, so no real time passes. */
function deferred<T>(): {
  promise: Promise<T>
  resolve: (v: T) => void
  reject: (e: unknown) => void
} {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe("awaitPromise", () => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  beforeEach(() => {
    unhandled.length = 0
    process.on("unhandledRejection", onUnhandled)
  })
  afterEach(() => {
    process.off("unhandledRejection", onUnhandled)
  })

  it("parks only its task: the others go on", async () => {
    const log: string[] = []
    const gate = deferred<string>()
    const waiter = program(function* waiter() {
      const value = yield* awaitPromise(gate.promise)
      log.push(`waiter got ${value}`)
    })
    const worker = program(function* worker() {
      for (let i = 0; i < 3; i++) {
        log.push(`worker ${i}`)
        yield* sleep(0)
      }
      gate.resolve("the value")
    })
    const main = program(function* main() {
      yield* gather(waiter, worker)
      return log
    })

    expect(await runAsync(scheduled(main, { clock: new VirtualClock() }))).toEqual([
      "worker 0",
      "worker 1",
      "worker 2",
      "waiter got the value",
    ])
  })

  it("throws a rejection into the task", async () => {
    const main = program(function* main() {
      try {
        return yield* awaitPromise(Promise.reject(new Error("network down")))
      } catch (error) {
        return `caught ${(error as Error).message}`
      }
    })

    expect(await runAsync(scheduled(main))).toBe("caught network down")
  })

  it("never reports an unhandled rejection when the task was cancelled first", async () => {
    const gate = deferred<string>()
    const main = program(function* main() {
      const waiter = yield* spawn(
        program(function* waiter() {
          return yield* awaitPromise(gate.promise)
        }),
      )
      yield* sleep(0)
      yield* cancel(waiter)
      gate.reject(new Error("rejected after the cancel"))
      return waiter.status
    })

    expect(await runAsync(scheduled(main))).toBe("cancelled")
    await new Promise((resolve) => setImmediate(resolve))
    expect(unhandled).toEqual([])
  })

  it("under run fails with advice to use runAsync", () => {
    const main = program(function* main() {
      return yield* awaitPromise(Promise.resolve(1))
    })

    expect(String(thrownBy(() => run(scheduled(main))))).toMatch(/awaitPromise.*runAsync/)
  })

  it("parks only the task when a handler inside the task waits on a promise", async () => {
    const log: string[] = []
    const slowTicks = handler(
      function* slowTicks(eff: Tick, k) {
        const n = yield* awaitExternal(Promise.resolve(eff.who.length))
        return yield* Transfer(k, n)
      },
      { handles: [Tick] },
    )
    const ticker = program(function* ticker() {
      log.push(`tick ${yield* new Tick("abc")}`)
    })
    const other = program(function* other() {
      log.push("other runs meanwhile")
    })
    const main = program(function* main() {
      const a = yield* spawn(withHandler(slowTicks, ticker))
      const b = yield* spawn(other)
      yield* gather(a, b)
      return log
    })

    expect(await runAsync(scheduled(main))).toEqual(["other runs meanwhile", "tick 3"])
  })

  it("rejects a value that is not a promise with a TypeError", () => {
    const main = program(function* main() {
      return yield* awaitPromise(42 as unknown as Promise<number>)
    })

    expect(String(thrownBy(() => run(scheduled(main))))).toMatch(
      /TypeError: awaitPromise\(\) expects a promise/,
    )
  })

  it("waits for several promises settling in any order", async () => {
    const first = deferred<number>()
    const second = deferred<number>()
    const fetcher = fn(function* fetcher(p: Promise<number>): Generator<Yielded, number, unknown> {
      return yield* awaitPromise(p)
    })
    const main = program(function* main() {
      const a = yield* spawn(fetcher(first.promise))
      const b = yield* spawn(fetcher(second.promise))
      yield* sleep(0)
      second.resolve(2)
      queueMicrotask(() => first.resolve(1))
      return [yield* wait(a), yield* wait(b)]
    })

    expect(await runAsync(scheduled(main))).toEqual([1, 2])
  })

  it("keeps the virtual clock still while a task waits on a JS promise", async () => {
    const clock = new VirtualClock()
    const gate = deferred<string>()
    const main = program(function* main() {
      yield* spawn(
        program(function* sleeper() {
          yield* sleep(1000)
        }),
      )
      queueMicrotask(() => gate.resolve("settled"))
      const value = yield* awaitPromise(gate.promise)
      return [value, clock.now()]
    })

    expect(await runAsync(scheduled(main, { clock }))).toEqual(["settled", 0])
  })
})
