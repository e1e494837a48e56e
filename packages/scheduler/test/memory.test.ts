import { setTimeout as tick } from "node:timers/promises"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { fn, runAsync, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { awaitPromise, scheduled, sleep, spawn, wait } from "../src/index.js"

setFlagsFromString("--expose-gc")
const collectGarbage = runInNewContext("gc") as () => void

const worker = fn(function* worker(payload: { readonly size: number }) {
  yield* sleep(0)
  return payload.size
})

/** Makes the payload in its own frame, so that only the task's program holds it. */
function spawnWorker(refs: WeakRef<object>[]) {
  const payload = { size: 1 }
  refs.push(new WeakRef(payload))
  return spawn(worker(payload))
}

describe("memory of a running scheduler", () => {
  it("lets go of a finished task's frames while the run goes on", async () => {
    const refs: WeakRef<object>[] = []
    let openGate!: () => void
    const gate = new Promise<void>((resolve) => {
      openGate = resolve
    })
    let workerDone!: () => void
    const done = new Promise<void>((resolve) => {
      workerDone = resolve
    })
    const main = fn(function* main(): Generator<Yielded, number, unknown> {
      const result = yield* wait(yield* spawnWorker(refs))
      workerDone()
      yield* awaitPromise(gate)
      return result
    })
    const running = runAsync(scheduled(main()))
    await done
    await tick(0)
    collectGarbage()
    await tick(0)
    const kept = refs[0]!.deref() !== undefined
    openGate()
    expect(await running).toBe(1)
    expect(kept).toBe(false)
  })
})
