import { gather, scheduled, sleep, spawn, VirtualClock, wait } from "@effvm/scheduler"
import { Effect, fn, handler, program, Resume, run, withHandler } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Flip extends Effect<boolean> {}

const both = handler(
  function* both(_eff: Flip, k) {
    const yes = (yield* Resume(k, true)) as unknown[]
    const no = (yield* Resume(k, false)) as unknown[]
    return [...yes, ...no]
  },
  { handles: [Flip], multishot: true },
)

describe("multi-shot handlers with the scheduler", () => {
  it("under scheduled: tasks spawned in a re-run body are the re-run's own", () => {
    const spawned: number[] = []
    const child = fn(function* child(n: number) {
      yield* sleep(5)
      return n * 10
    })
    const body = program(function* parent() {
      const bit = yield* new Flip()
      const task = yield* spawn(child(bit ? 1 : 2))
      spawned.push(task.id)
      return [yield* wait(task)]
    })
    const clock = new VirtualClock()
    expect(run(scheduled(withHandler(both, body), { clock }))).toEqual([10, 20])
    expect(spawned).toHaveLength(2)
    expect(spawned[0]).not.toBe(spawned[1])
  })

  it("over scheduled: a choice made in a task re-runs the scheduled body", () => {
    const worker = fn(function* worker(name: string) {
      yield* sleep(1)
      const bit = yield* new Flip()
      return `${name}:${bit}`
    })
    const main = program(function* main() {
      const results = yield* gather(worker("a"))
      return [results.join()]
    })
    const clock = new VirtualClock()
    expect(run(withHandler(both, scheduled(main, { clock })))).toEqual(["a:true", "a:false"])
  })
})
