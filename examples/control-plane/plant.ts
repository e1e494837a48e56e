// A tiny PLC-style control loop on a virtual clock: a periodic "sensor" task samples a
// simulated tank every 10 ms, a "controller" task opens or closes a cooling valve every
// 50 ms under a watchdog, and the run is stopped after a fixed number of scheduling rounds
// (like a PLC run of N scans). The temperature and the valve are state shared by both
// tasks; each task's own counter is task-local. When the run stops, the main task's
// finally block prints each task's statistics. A second run shows a controller that hangs
// being faulted by its watchdog. Run after `pnpm build`:
//   node examples/dist/control-plane/plant.js
import { pathToFileURL } from "node:url"
import { get, modify, put, state } from "@effvm/handlers"
import {
  every,
  scheduled,
  type Task,
  taskStats,
  VirtualClock,
  WatchdogError,
  wait,
} from "@effvm/scheduler"
import { program, runOutcome, withHandler } from "@effvm/vm-core"

/** Runs the plant for `rounds` scheduling rounds and returns what it printed. */
export function runPlant(rounds = 40, hang = false): string[] {
  const clock = new VirtualClock()
  const lines: string[] = []
  const log = (text: string) => lines.push(`[${String(clock.now()).padStart(4)} ms] ${text}`)

  // Shared: the tank and the valve. Per task: `scans`, each task counting its own.
  const plant = state(
    { temperature: 20, valve: "closed", scans: 0 },
    { perTask: true, shared: ["temperature", "valve"] },
  )

  const sensor = program(function* sensor() {
    const valve = yield* get<string>("valve")
    yield* modify<number>("temperature", (t) => t + (valve === "open" ? -0.8 : 0.5))
    yield* modify<number>("scans", (n) => n + 1)
  })

  const controller = program(function* controller() {
    const temperature = yield* get<number>("temperature")
    if (hang) for (;;) yield* get<number>("temperature") // a bug: it never finishes its scan
    const valve = temperature > 24 ? "open" : temperature < 21 ? "closed" : yield* get("valve")
    yield* put("valve", valve)
    const scans = yield* modify<number>("scans", (n) => n + 1)
    log(`controller scan ${scans}: ${temperature.toFixed(1)} °C, valve ${valve}`)
  })

  const main = program(function* main() {
    const tasks: Task<never>[] = [
      yield* every(10, sensor, { name: "sensor", priority: 2 }),
      yield* every(50, controller, {
        name: "controller",
        priority: 1,
        watchdog: { steps: 5_000, ms: 100 },
      }),
    ]
    try {
      yield* wait(tasks[1]!) // periodic tasks run until the run is stopped
    } finally {
      for (const task of tasks) {
        const s = yield* taskStats(task)
        log(
          `${task.name}: ${s.activations} activations, last ${s.lastMs} ms, max ${s.maxMs} ms, ${s.overruns} overruns`,
        )
      }
    }
  })

  const outcome = runOutcome(withHandler(plant, scheduled(main, { clock, maxRounds: rounds })))
  if (outcome.status === "failed") {
    const error = outcome.error
    const what = error instanceof WatchdogError ? error.message : String(error)
    log(`run failed in task ${outcome.taskId} "${outcome.taskName}": ${what}`)
  } else log(`run ${outcome.status} after ${outcome.steps} machine steps`)
  return lines
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of runPlant()) console.log(line)
  console.log("\nA controller that hangs in its scan:")
  for (const line of runPlant(40, true)) console.log(line)
}
