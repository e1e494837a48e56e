import { fn, program, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  acquire,
  cancel,
  createSemaphore,
  gather,
  release,
  type Semaphore,
  sleep,
  spawn,
} from "../src/index.js"
import { runVirtual, thrownBy } from "./helpers.js"

const holder = fn(function* holder(
  pool: Semaphore,
  log: string[],
  name: string,
  ms: number,
): Generator<Yielded, void, unknown> {
  yield* acquire(pool)
  log.push(`${name} in`)
  try {
    yield* sleep(ms)
  } finally {
    log.push(`${name} out`)
    yield* release(pool)
  }
})

describe("semaphores", () => {
  it("acquire takes a free permit without waiting", () => {
    const main = program(function* main() {
      const pool = yield* createSemaphore(2)
      yield* acquire(pool)
      yield* acquire(pool)
      return pool.free
    })

    expect(runVirtual(main)).toBe(0)
  })

  it("limits how many tasks hold a permit at once", () => {
    const log: string[] = []
    const main = program(function* main() {
      const pool = yield* createSemaphore(1)
      yield* gather(holder(pool, log, "a", 10), holder(pool, log, "b", 10))
      return log
    })

    expect(runVirtual(main)).toEqual(["a in", "a out", "b in", "b out"])
  })

  it("hands permits to waiters first in, first out", () => {
    const log: string[] = []
    const main = program(function* main() {
      const pool = yield* createSemaphore(1)
      yield* acquire(pool)
      const tasks = []
      for (const name of ["first", "second", "third"])
        tasks.push(yield* spawn(holder(pool, log, name, 1)))
      yield* sleep(5)
      yield* release(pool)
      yield* gather(...tasks)
      return log.filter((entry) => entry.endsWith("in"))
    })

    expect(runVirtual(main)).toEqual(["first in", "second in", "third in"])
  })

  it("refuses a release when every permit is already free", () => {
    const main = program(function* main() {
      const pool = yield* createSemaphore(1)
      yield* acquire(pool)
      yield* release(pool)
      yield* release(pool)
    })

    expect(String(thrownBy(() => runVirtual(main)))).toMatch(
      /release\(semaphore #1\): all 1 permits are already free; release\(\) was called more often than acquire\(\)/,
    )
  })

  it("skips a waiter cancelled while it waits", () => {
    const log: string[] = []
    const main = program(function* main() {
      const pool = yield* createSemaphore(1)
      yield* acquire(pool)
      const quitter = yield* spawn(holder(pool, log, "quitter", 1))
      const patient = yield* spawn(holder(pool, log, "patient", 1))
      yield* sleep(1)
      yield* cancel(quitter)
      yield* release(pool)
      yield* gather(patient)
      return [log, pool.free]
    })

    expect(runVirtual(main)).toEqual([["patient in", "patient out"], 1])
  })

  it("returns a permit handed to a task that is cancelled before it runs", () => {
    const log: string[] = []
    const main = program(function* main() {
      const pool = yield* createSemaphore(1)
      yield* acquire(pool)
      const handedOver = yield* spawn(holder(pool, log, "handed over", 1))
      const next = yield* spawn(holder(pool, log, "next", 1))
      yield* sleep(1)
      yield* release(pool) // the permit goes to "handed over", which has not run yet
      yield* cancel(handedOver)
      yield* gather(next)
      return [log, pool.free]
    })

    expect(runVirtual(main)).toEqual([["next in", "next out"], 1])
  })

  it("rejects a permit count that is not a non-negative integer", () => {
    const main = program(function* main() {
      return yield* createSemaphore(-1)
    })

    expect(String(thrownBy(() => runVirtual(main)))).toMatch(
      /TypeError: createSemaphore\(permits\) expects a non-negative integer/,
    )
  })
})
