import { defaultHandlers, log } from "@effvm/handlers"
import { gather, scheduled, sleep, spawn, VirtualClock } from "@effvm/scheduler"
import {
  Effect,
  fn,
  handler,
  Pass,
  program,
  Resume,
  type RunOutcome,
  runOutcome,
  type TraceEvent,
  withHandler,
} from "@effvm/vm-core"

/** A unit of work, answered by the `worker` handler. */
export class Work extends Effect<number> {
  constructor(readonly n: number) {
    super()
  }
}

const workHandler = handler((eff: Work, k) => Resume(k, eff.n * 2), {
  handles: [Work],
  name: "worker",
})
const audit = handler(
  function* audit() {
    return yield* Pass()
  },
  { handles: [Work] },
)

const leaf = fn(function* leaf(id: string) {
  yield* sleep(5)
  yield* log(`leaf ${id}`)
  if (id === "1-2") throw new Error(`corrupt data for item ${id}`)
  return id
})
const batch = fn(function* batch(n: number) {
  yield* new Work(n)
  return yield* gather(leaf(`${n}-1`), leaf(`${n}-2`))
})
const orchestrator = program(function* orchestrator() {
  const b = yield* spawn(batch(1), { name: "batch 1" })
  return yield* gather(b)
})

export interface TracedRun {
  readonly events: TraceEvent[]
  readonly outcome: RunOutcome<unknown>
}

/**
 * The known run: `orchestrator` (task 1) spawns "batch 1" (task 2), which performs one
 * `Work` (audit passes, worker resumes) and gathers two `leaf` tasks (3 and 4); task 4
 * fails with "corrupt data for item 1-2", and the failure climbs to the root.
 */
export function knownRun(trace: "full" | "min" = "full"): TracedRun {
  const events: TraceEvent[] = []
  const handlers = defaultHandlers({ log: { keep: false, sink: () => {} } })
  const outcome = runOutcome(
    withHandler(
      workHandler,
      withHandler(audit, scheduled(orchestrator, { clock: new VirtualClock() })),
    ),
    { handlers, trace, onEvent: (e) => events.push(e) },
  )
  return { events, outcome }
}

/** A run of `tasks` tasks that together give at least `atLeast` events (trace "full"). */
export function bigRun(atLeast: number, tasks = 40): TracedRun {
  const perTask = Math.ceil(atLeast / tasks / 2)
  const busy = fn(function* busy(id: number) {
    let sum = 0
    for (let i = 0; i < perTask; i++) {
      sum += yield* new Work(i)
      if (i % 100 === id % 100) yield* sleep(1 + (id % 3))
    }
    return sum
  })
  const main = program(function* manyTasks() {
    const all = []
    for (let id = 0; id < tasks; id++) all.push(yield* spawn(busy(id), { name: `busy ${id}` }))
    return yield* gather(...all)
  })
  const events: TraceEvent[] = []
  const outcome = runOutcome(
    withHandler(workHandler, scheduled(main, { clock: new VirtualClock() })),
    {
      trace: "full",
      onEvent: (e) => events.push(e),
    },
  )
  return { events, outcome }
}
