import { createVM, program, run, runOutcome } from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { every, scheduled, sleep, spawn, taskStats, VirtualClock, wait } from "../src/index.js"

describe("control-plane properties", () => {
  it("every keeps its cadence: each start is the previous due time, or end + interval after an overrun", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 12 }),
        (interval, durations) => {
          const clock = new VirtualClock()
          const starts: number[] = []
          const ends: number[] = []
          const scan = program(function* scan() {
            starts.push(clock.now())
            const d = durations[starts.length - 1] ?? 0
            if (d > 0) yield* sleep(d)
            ends.push(clock.now())
          })
          const main = program(function* main() {
            const task = yield* every(interval, scan)
            yield* wait(
              yield* spawn(
                program(function* watcher() {
                  while (ends.length < durations.length) yield* sleep(1)
                }),
              ),
            )
            return yield* taskStats(task)
          })

          const stats = run(scheduled(main, { clock }))

          let due = 0
          let overruns = 0
          for (let n = 0; n < durations.length; n++) {
            expect(starts[n]).toBe(due)
            due += interval
            if (ends[n]! > due) {
              overruns++
              due = ends[n]! + interval
            }
          }
          expect(stats.overruns).toBe(overruns)
          expect(stats.activations).toBeGreaterThanOrEqual(durations.length)
          expect(stats.maxMs).toBe(Math.max(...durations.slice(0, stats.activations)))
        },
      ),
      { numRuns: 100 },
    )
  })

  it("maxRounds R gives each of k yielding tasks R - 1 activations, then the run is stopped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 30 }), (k, rounds) => {
        const counts = new Array<number>(k).fill(0)
        const spinner = (i: number) =>
          program(function* spinner() {
            for (;;) {
              counts[i]!++
              yield* sleep(0)
            }
          })
        const main = program(function* main() {
          const tasks = []
          for (let i = 0; i < k; i++) tasks.push(yield* spawn(spinner(i)))
          yield* wait(tasks[0]!)
        })

        const outcome = runOutcome(
          scheduled(main, { clock: new VirtualClock(), maxRounds: rounds }),
        )

        expect(outcome.status).toBe("stopped")
        expect(counts).toEqual(new Array<number>(k).fill(rounds - 1))
      }),
      { numRuns: 60 },
    )
  })

  it("a stop at any step ends the run stopped, with every finally block run once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), (stopAt) => {
        const finals: string[] = []
        const started: string[] = []
        const worker = (name: string, ms: number) =>
          program(function* worker() {
            started.push(name)
            try {
              for (;;) yield* sleep(ms)
            } finally {
              finals.push(name)
            }
          })
        const main = program(function* main() {
          started.push("main")
          try {
            yield* spawn(worker("a", 3))
            yield* spawn(worker("b", 7))
            yield* every(
              5,
              program(function* tick() {}),
            )
            yield* sleep(1e9)
          } finally {
            finals.push("main")
          }
        })
        const vm = createVM(scheduled(main, { clock: new VirtualClock() }))
        vm.runFor(stopAt)
        vm.stop()
        while (vm.step() === "continue") {}

        expect(vm.status).toBe("stopped")
        // Every task that started ran its finally exactly once (one not started never runs).
        expect([...finals].sort()).toEqual([...started].sort())
      }),
      { numRuns: 80 },
    )
  })
})
