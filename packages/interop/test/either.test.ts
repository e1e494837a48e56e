import { attempt } from "@effvm/handlers"
import { cancel, scheduled, sleep, spawn } from "@effvm/scheduler"
import { formatTraceback, program, run, runAsync } from "@effvm/vm-core"
import * as E from "fp-ts/lib/Either.js"
import * as TE from "fp-ts/lib/TaskEither.js"
import { describe, expect, it } from "vitest"
import { attemptEither, fromEither, fromTaskEither, LeftError } from "../src/index.js"
import { thrownBy } from "./helpers.js"

describe("fromEither", () => {
  it("evaluates to the Right", () => {
    expect(run(fromEither(E.right(8080)))).toBe(8080)
  })

  it("throws a Left that is an Error as it is, with a traceback", () => {
    const refused = new Error("connection refused")
    const connect = program(function* connect() {
      return yield* fromEither(E.left(refused))
    })

    const error = thrownBy(() => run(connect))
    expect(error).toBe(refused)
    expect(formatTraceback(error)).toContain("connect()")
  })

  it("wraps any other Left in a LeftError that holds it", () => {
    const error = thrownBy(() => run(fromEither(E.left({ code: 404 }))))

    expect(error).toBeInstanceOf(LeftError)
    expect((error as LeftError).left).toEqual({ code: 404 })
    expect(String(error)).toBe('LeftError: Either was Left: {"code":404}')
  })

  it("rejects a value that is not an Either", () => {
    expect(() => fromEither(42 as never)).toThrow(/fromEither\(\) expects an fp-ts Either, got 42/)
  })
})

describe("fromTaskEither", () => {
  it("runs the TaskEither and evaluates to its Right", async () => {
    const fetchUser = TE.right<string, { name: string }>({ name: "ada" })

    expect(await runAsync(scheduled(fromTaskEither(fetchUser)))).toEqual({ name: "ada" })
  })

  it("throws its Left into the program", async () => {
    const main = program(function* main() {
      try {
        return yield* fromTaskEither(TE.left("user not found"))
      } catch (error) {
        return `caught ${(error as LeftError<string>).left}`
      }
    })

    expect(await runAsync(scheduled(main))).toBe("caught user not found")
  })

  it("calls the TaskEither afresh on each run of the program", async () => {
    let calls = 0
    const counted: TE.TaskEither<never, number> = () => Promise.resolve(E.right(++calls))
    const twice = program(function* twice() {
      return [yield* fromTaskEither(counted), yield* fromTaskEither(counted)]
    })

    expect(await runAsync(twice)).toEqual([1, 2])
  })

  it("parks only its task: a cancelled wait leaves no task behind", async () => {
    const never: TE.TaskEither<string, number> = () => new Promise(() => {})
    const main = program(function* main() {
      const waiter = yield* spawn(fromTaskEither(never))
      yield* sleep(0)
      yield* cancel(waiter)
      return waiter.status
    })

    expect(await runAsync(scheduled(main))).toBe("cancelled")
  })
})

describe("attemptEither", () => {
  it("gives Right with the program's value", () => {
    expect(
      run(
        attemptEither(
          program(function* ok() {
            return "fine"
          }),
        ),
      ),
    ).toEqual(E.right("fine"))
  })

  it("gives Left with the thrown error", () => {
    const boom = new Error("boom")
    const failing = program(function* failing() {
      throw boom
    })

    expect(run(attemptEither(failing))).toEqual(E.left(boom))
  })

  it("gives back the very Left that fromEither threw (round trip)", () => {
    expect(run(attemptEither(fromEither(E.left("nope"))))).toEqual(E.left("nope"))
  })

  it("does not catch a cancellation", async () => {
    const main = program(function* main() {
      const worker = yield* spawn(
        attemptEither(
          program(function* sleeper() {
            yield* sleep(60_000)
          }),
        ),
      )
      yield* sleep(0)
      yield* cancel(worker)
      return worker.status
    })

    expect(await runAsync(scheduled(main))).toBe("cancelled")
  })

  it("agrees with attempt from @effvm/handlers on every outcome", () => {
    const bad = new TypeError("bad input")
    const failing = program(function* failing() {
      throw bad
    })
    const either = run(attemptEither(failing))
    const result = run(attempt(failing))

    expect(either).toEqual(E.left(bad))
    expect(result).toEqual({ ok: false, error: bad })
  })
})
