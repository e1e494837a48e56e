import { ask, lazy, reader } from "@effvm/handlers"
import { cancel, gather, scheduled, sleep, spawn, VirtualClock } from "@effvm/scheduler"
import { program, run, withHandler } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

describe("lazy reader values across tasks", () => {
  it("is computed once and shared by tasks that ask while it is being computed", () => {
    let runs = 0
    const connect = program(function* connect() {
      runs++
      yield* sleep(10)
      return `connection ${runs}`
    })
    const user = (name: string) =>
      program(function* user() {
        return `${name}: ${String(yield* ask("db"))}`
      })
    const result = run(
      scheduled(
        withHandler(
          reader({ db: lazy(connect) }),
          program(function* main() {
            return yield* gather(user("a"), user("b"), user("c"))
          }),
        ),
        { clock: new VirtualClock() },
      ),
    )
    expect(result).toEqual(["a: connection 1", "b: connection 1", "c: connection 1"])
    expect(runs).toBe(1)
  })

  it("lets a waiting task compute it when the computing task was cancelled (a failure is not cached)", () => {
    let runs = 0
    const connect = program(function* connect() {
      runs++
      yield* sleep(10)
      return `connection ${runs}`
    })
    const result = run(
      scheduled(
        withHandler(
          reader({ db: lazy(connect) }),
          program(function* main() {
            const first = yield* spawn(
              program(function* firstAsker() {
                return yield* ask("db")
              }),
            )
            const second = yield* spawn(
              program(function* secondAsker() {
                return yield* ask("db")
              }),
            )
            yield* sleep(5)
            yield* cancel(first)
            return yield* gather(second)
          }),
        ),
        { clock: new VirtualClock() },
      ),
    )
    expect(result).toEqual(["connection 2"])
    expect(runs).toBe(2)
  })
})
