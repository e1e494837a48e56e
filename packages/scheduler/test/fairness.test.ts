import { fn, handler, program, run, Transfer, withHandler, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { gather, scheduled, VirtualClock } from "../src/index.js"
import { Tick } from "./helpers.js"

/** Answers Tick outside the scheduler: the scheduler never sees these effects. */
const counter = (log: string[]) =>
  handler(
    (eff: Tick, k) => {
      log.push(eff.who)
      return Transfer(k, log.length)
    },
    { handles: [Tick] },
  )

const busy = fn(function* busy(who: string, n: number): Generator<Yielded, void, unknown> {
  for (let i = 0; i < n; i++) yield* new Tick(who)
})

/** How many times the log switches from one task to the other. */
function switches(log: readonly string[]): number {
  let count = 0
  for (let i = 1; i < log.length; i++) if (log[i] !== log[i - 1]) count++
  return count
}

describe("fairness", () => {
  it("preempts busy tasks so two of them interleave (default quanta)", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* gather(busy("a", 2000), busy("b", 2000))
    })

    run(withHandler(counter(log), scheduled(main, { clock: new VirtualClock() })))
    expect(log.length).toBe(4000)
    expect(switches(log)).toBeGreaterThan(4)
    expect(log.slice(0, 2000)).toContain("b")
  })

  it("switches more often with a smaller quanta", () => {
    const coarse: string[] = []
    const fine: string[] = []
    const main = program(function* main() {
      yield* gather(busy("a", 500), busy("b", 500))
    })

    run(withHandler(counter(coarse), scheduled(main, { quanta: 1000 })))
    run(withHandler(counter(fine), scheduled(main, { quanta: 50 })))
    expect(switches(fine)).toBeGreaterThan(switches(coarse))
  })

  it("turns preemption off with quanta: 0 (a busy task runs to its end)", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* gather(busy("a", 2000), busy("b", 2000))
    })

    run(withHandler(counter(log), scheduled(main, { quanta: 0 })))
    expect(switches(log)).toBe(1)
  })

  it("still makes progress with the smallest quanta", () => {
    const log: string[] = []
    const main = program(function* main() {
      yield* gather(busy("a", 50), busy("b", 50))
    })

    run(withHandler(counter(log), scheduled(main, { quanta: 1 })))
    expect(log.length).toBe(100)
    expect(switches(log)).toBeGreaterThan(10)
  })
})
