// Fails on purpose (docs/errors.md, "Every section names its task"): a task's error is
// collected by gatherSettled and rethrown by its parent. It never crossed into another task,
// yet its section still names the task it was raised in, and where that task was spawned.
import { gatherSettled, scheduled, sleep, spawn, VirtualClock } from "@effvm/scheduler"
import { fn, program, run } from "@effvm/vm-core"

const fetchPage = fn(function* fetchPage(page: number) {
  yield* sleep(10)
  if (page === 2) throw new Error(`page ${page} is missing`)
  return `page ${page}`
})

const crawl = program(function* crawl() {
  const tasks = [
    yield* spawn(fetchPage(1), { name: "page 1" }),
    yield* spawn(fetchPage(2), { name: "page 2" }),
  ]
  for (const result of yield* gatherSettled(...tasks)) if (!result.ok) throw result.error
})

try {
  run(scheduled(crawl, { clock: new VirtualClock() }))
} catch (error) {
  console.error(error) // an error that left run() shows its traceback
  process.exit(1)
}
