import { fn, program, runOutcome, runOutcomeAsync } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { awaitPromise, scheduled, sleep, spawn, VirtualClock, wait } from "../src/index.js"

const leaf = fn(function* leafWorker(id: string) {
  yield* sleep(1)
  throw new Error(`corrupt item ${id}`)
})

describe("runOutcome under a scheduler", () => {
  it("a failed outcome names the innermost task the error escaped from", () => {
    const parent = program(function* parentTask() {
      return yield* wait(yield* spawn(leaf("1-2"), { name: "leaf 1-2" }))
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(parent, { name: "batch 1" }))
    })

    const outcome = runOutcome(scheduled(main, { clock: new VirtualClock() }))

    expect(outcome).toMatchObject({ status: "failed", taskId: 3, taskName: "leaf 1-2" })
    expect(outcome.status === "failed" && (outcome.error as Error).message).toBe("corrupt item 1-2")
  })

  it("an error raised in the root task names the root task", () => {
    const main = program(function* main() {
      yield* sleep(1)
      throw new Error("root broke")
    })
    const outcome = runOutcome(scheduled(main, { clock: new VirtualClock() }))
    expect(outcome).toMatchObject({ status: "failed", taskId: 1, taskName: "main" })
  })

  it("runOutcomeAsync reports a rejected JS promise with the task that awaited it", async () => {
    const fetcher = program(function* fetcher() {
      return yield* awaitPromise(Promise.reject(new Error("503")))
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(fetcher, { name: "fetch users" }))
    })
    const outcome = await runOutcomeAsync(scheduled(main))
    expect(outcome).toMatchObject({ status: "failed", taskId: 2, taskName: "fetch users" })
  })

  it("a done outcome carries the value and the steps", () => {
    const main = program(function* main() {
      yield* sleep(5)
      return 42
    })
    const outcome = runOutcome(scheduled(main, { clock: new VirtualClock() }))
    expect(outcome).toMatchObject({ status: "done", value: 42 })
    expect(outcome.steps).toBeGreaterThan(0)
  })
})
