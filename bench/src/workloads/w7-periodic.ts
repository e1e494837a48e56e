/**
 * W7: the overhead of a periodic task per activation. A task runs `size` activations,
 * 10 ms apart on a VirtualClock, each performing 10 trivial effects answered by a handler
 * outside the scheduler. `every(10, scan)` against the same work written as a plain
 * `spawn` of a loop that sleeps 10 ms between scans; the floor performs the 10 effects per
 * activation with no scheduling at all. Unit: ns per activation.
 */
import { every, scheduled, sleep, spawn, VirtualClock, wait } from "@effvm/scheduler"
import { fn, program, run, withHandler } from "@effvm/vm-core"
import * as effvm from "../runtimes/effvm.js"
import * as floor from "../runtimes/floor.js"
import type { Case, Workload } from "../types.js"

const EFFECTS_PER_ACTIVATION = 10
const INTERVAL_MS = 10

function* floorScans(n: number): floor.FloorGen {
  let s = 0
  for (let a = 0; a < n; a++)
    for (let i = 0; i < EFFECTS_PER_ACTIVATION; i++) s += yield new floor.FloorTick()
  return s
}
const floorAnswer = (eff: object): number =>
  eff instanceof floor.FloorTick ? 1 : floor.unhandled(eff)

/** One activation's work: 10 effects, their answers added to `sum.total`. */
const scan = fn(function* scan(sum: { total: number }) {
  for (let i = 0; i < EFFECTS_PER_ACTIVATION; i++) sum.total += yield* new effvm.Tick()
})

/** `n` activations of a periodic task; main ends just after the last one started. */
function periodic(n: number): number {
  const sum = { total: 0 }
  const main = program(function* main() {
    yield* every(INTERVAL_MS, scan(sum), { name: "scan" })
    yield* sleep(INTERVAL_MS * (n - 1) + INTERVAL_MS / 2)
  })
  run(withHandler(effvm.fastTick(), scheduled(main, { clock: new VirtualClock() })))
  return sum.total
}

/** The same activations as a spawned loop that sleeps between scans. */
function spawnLoop(n: number): number {
  const sum = { total: 0 }
  const loop = program(function* loop() {
    for (let a = 0; a < n; a++) {
      yield* scan(sum)
      yield* sleep(INTERVAL_MS)
    }
  })
  const main = program(function* main() {
    yield* wait(yield* spawn(loop))
  })
  run(withHandler(effvm.fastTick(), scheduled(main, { clock: new VirtualClock() })))
  return sum.total
}

const cases: Case[] = [
  {
    runtime: "floor",
    variant: "",
    label: "10 performs per activation, no scheduling",
    run: (n) => floor.drive(floorScans(n), floorAnswer),
  },
  {
    runtime: "effvm",
    variant: "spawn-sleep",
    label: "spawn of a loop: scan, sleep(10)",
    run: spawnLoop,
  },
  {
    runtime: "effvm",
    variant: "every",
    label: "every(10, scan)",
    run: periodic,
  },
]

export const workload: Workload = {
  id: "W7",
  title: "periodic task: one activation of 10 effects every 10 ms (VirtualClock)",
  metric: { kind: "per-unit", unit: "ns/activation" },
  sizes: [100_000],
  smokeSizes: [100],
  expected: (n) => n * EFFECTS_PER_ACTIVATION,
  cases,
  // No bench/README.md target: the figure and its ratio to the spawn + sleep loop (the
  // × effvm column) are reported in docs/performance.md.
  targets: [],
}
