// An error raised by a finally block while its task was being cancelled or stopped says so.
import { createVM, formatTraceback, program, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { cancel, scheduled, sleep, spawn, VirtualClock, wait } from "../src/index.js"
import { runVirtual, spawnBoundaries, thrownBy } from "./helpers.js"

const progress = { sleeping: false }
const failingCleanup = program(function* failingCleanup(): Generator<Yielded, void, unknown> {
  try {
    progress.sleeping = true
    yield* sleep(1000)
  } finally {
    yield* sleep(1)
    // biome-ignore lint/correctness/noUnsafeFinally: the test is about a failing cleanup
    throw new Error("cleanup failed")
  }
})

describe("cleanup errors are labelled", () => {
  it("an error raised by the finally of a cancelled task names the task and 'cancelled'", () => {
    const error = thrownBy(() =>
      runVirtual(
        program(function* main() {
          const leaf = yield* spawn(failingCleanup, { name: "leaf 1-1" })
          yield* sleep(1)
          yield* cancel(leaf)
          return yield* wait(leaf)
        }),
      ),
    )

    expect(spawnBoundaries(error)[0]).toMatchObject({ name: "leaf 1-1", cleanup: "cancelled" })
    expect(formatTraceback(error)).toContain(
      'raised during cleanup of task 2 "leaf 1-1" (cancelled)',
    )
  })

  it("an error raised by the finally of a stopped task says 'stopped'", () => {
    let seen: unknown
    const vm = createVM(
      scheduled(
        program(function* main() {
          const leaf = yield* spawn(failingCleanup, { name: "leaf" })
          try {
            yield* wait(leaf)
          } finally {
            // Stopped too: its own cleanup waits for the leaf's, and sees how it failed.
            try {
              yield* wait(leaf)
            } catch (error) {
              seen = error
            }
          }
        }),
        { clock: new VirtualClock() },
      ),
    )
    progress.sleeping = false
    while (!progress.sleeping && vm.step() === "continue") {}
    vm.stop()
    while (vm.step() === "continue") {}

    expect((seen as Error).message).toBe("cleanup failed")
    expect(spawnBoundaries(seen)[0]).toMatchObject({ name: "leaf", cleanup: "stopped" })
  })

  it("an error raised by a task that was not cancelled carries no cleanup label", () => {
    const error = thrownBy(() =>
      runVirtual(
        program(function* main() {
          return yield* wait(
            yield* spawn(
              program(function* plain() {
                yield* sleep(1)
                throw new Error("plain failure")
              }),
              { name: "plain" },
            ),
          )
        }),
      ),
    )

    expect(spawnBoundaries(error)[0]).not.toHaveProperty("cleanup")
    expect(formatTraceback(error)).not.toContain("raised during cleanup")
  })
})
