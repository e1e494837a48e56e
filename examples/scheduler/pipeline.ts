// A small pipeline of tasks on a virtual clock: items are downloaded (at most two at a
// time, a semaphore), then parsed, each under a timeout (a race); the results are collected
// with gatherSettled, so one bad item does not sink the others. Everything runs instantly
// and deterministically under the synchronous `run`. Run after `pnpm build`:
//   node examples/dist/scheduler/pipeline.js
import { pathToFileURL } from "node:url"
import {
  acquire,
  createSemaphore,
  gatherSettled,
  race,
  release,
  type Semaphore,
  scheduled,
  sleep,
  spawn,
  type Task,
  VirtualClock,
} from "@effvm/scheduler"
import { fn, program, run, type Yielded } from "@effvm/vm-core"

/** Runs the pipeline and returns what it printed, line by line. */
export function runPipeline(): string[] {
  const clock = new VirtualClock()
  const lines: string[] = []
  const log = (text: string) => lines.push(`[${String(clock.now()).padStart(4)} ms] ${text}`)

  // Stage 1: a download holds one of the pool's permits while it runs.
  const download = fn(function* download(
    pool: Semaphore,
    item: string,
    ms: number,
  ): Generator<Yielded, string, unknown> {
    yield* acquire(pool)
    try {
      log(`download ${item} started`)
      yield* sleep(ms)
      log(`download ${item} done`)
      return `<${item}>`
    } finally {
      yield* release(pool)
    }
  })

  // Stage 2: parsing takes a little time and fails on corrupt input.
  const parse = fn(function* parse(raw: string): Generator<Yielded, string, unknown> {
    yield* sleep(10)
    if (raw.includes("corrupt")) throw new Error(`cannot parse ${raw}`)
    return raw.slice(1, -1).toUpperCase()
  })

  const timeout = fn(function* timeout(ms: number): Generator<Yielded, never, unknown> {
    yield* sleep(ms)
    throw new Error(`timed out after ${ms} ms`)
  })

  // One item: both stages, raced against a timeout (the loser is cancelled).
  const processItem = fn(function* processItem(
    pool: Semaphore,
    item: string,
    ms: number,
  ): Generator<Yielded, string, unknown> {
    const stages = program(function* stages() {
      return yield* parse(yield* download(pool, item, ms))
    })
    return yield* race(stages, timeout(300))
  })

  const pipeline = program(function* pipeline() {
    const pool = yield* createSemaphore(2)
    const items: [string, number][] = [
      ["alpha", 120],
      ["beta", 40],
      ["corrupt-gamma", 60],
      ["delta", 400],
      ["epsilon", 30],
    ]
    const tasks: Task<string>[] = []
    for (const [item, ms] of items)
      tasks.push(yield* spawn(processItem(pool, item, ms), { name: item }))
    const results = yield* gatherSettled(...tasks)
    results.forEach((result, i) => {
      const name = tasks[i]!.name
      log(
        result.ok
          ? `${name}: ${result.value}`
          : `${name}: failed (${(result.error as Error).message})`,
      )
    })
    return lines
  })

  return run(scheduled(pipeline, { clock }))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of runPipeline()) console.log(line)
}
