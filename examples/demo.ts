// The effvm demo: effects, user handlers, deep recursion, error enrichment, tasks, replayed
// races, periodic work and a traceback across three tasks, in one tour.
// Run it with `pnpm demo` after `pnpm install && pnpm build`.
import { every, gather, scheduled, sleep, spawn, taskStats, VirtualClock } from "@effvm/scheduler"
import {
  Delegate,
  Effect,
  fn,
  formatTraceback,
  GetExecutionContext,
  getExecutionContext,
  handler,
  Pass,
  type Program,
  program,
  Resume,
  run,
  runOutcome,
  Transfer,
  UnhandledEffectError,
  withHandler,
  withHandlers,
} from "@effvm/vm-core"

// 1. An effect is a class; `R` is the type of its answer.
class Ask<T> extends Effect<T> {
  declare protected readonly effectIdentity: unknown // its own type, apart from any other effect
  constructor(readonly key: string) {
    super()
  }
}

const greet = fn(function* greet(name: string) {
  const greeting = yield* new Ask<string>("greeting")
  return `${greeting}, ${name}`
})

// 2. A fast-path handler: a plain function returning a control value, no generator per effect.
const reader = (env: Record<string, unknown>) =>
  handler((eff, k) => Transfer(k, env[eff.key]), { handles: [Ask], name: "reader" })

console.log("1. reader answers Ask:", run(withHandler(reader({ greeting: "hi" }), greet("ada"))))

// 3. A generator handler can post-process what the body returns after Resume.
const shout = handler(
  function* shout(_eff, k) {
    const answer = yield* Delegate() // let the outer reader answer first
    const result = yield* Resume(k, String(answer).toUpperCase())
    return `${String(result)}!`
  },
  { handles: [Ask] },
)
console.log(
  "2. shout delegates, resumes, post-processes:",
  run(withHandlers([reader({ greeting: "hello" }), shout], greet("grace"))),
)

// 4. Sub-programs are machine frames: a million-deep recursion does not overflow the JS stack.
const depth: (n: number) => Program<number> = fn(function* depthStep(n: number) {
  if (n === 0) return 0
  return 1 + (yield* depth(n - 1))
})
console.log("3. recursion 1,000,000 frames deep returns", run(depth(1_000_000)))

// 5. A handler that returns without resuming aborts the body; its finally blocks still run.
const cleanups: string[] = []
const body = program(function* guarded() {
  try {
    yield* new Ask<string>("never answered")
    return "unreachable"
  } finally {
    cleanups.push("   (the body's finally ran while the handler aborted)")
  }
})
console.log(
  "4. abort:",
  run(
    withHandler(
      handler<Ask<string>>(() => "aborted by handler"),
      body,
    ),
  ),
)
for (const line of cleanups) console.log(line)

// 6. No handler for an effect: a catchable UnhandledEffectError at the perform site.
const lonely = program(function* lonely() {
  try {
    return yield* new Ask<string>("db")
  } catch (e) {
    return e instanceof UnhandledEffectError ? `caught: ${e.message.split(". ")[0]}` : "?"
  }
})
// `Program<string>` leaves the effects untracked: the compiler would reject this run.
console.log("5.", run(lonely as Program<string>))

// 7. Errors are enriched by the handlers in scope before they unwind.
const requestInfo = handler(
  function* requestInfo(eff, k) {
    if (!(eff instanceof GetExecutionContext)) return yield* Pass()
    eff.context.add({ kind: "request", id: "r-42" })
    return yield* Transfer(k, eff.context)
  },
  { handles: [GetExecutionContext] },
)
const failing = fn(function* failing() {
  throw new Error("disk full")
})
try {
  run(withHandler(requestInfo, failing()))
} catch (e) {
  console.log(
    "6. error",
    (e as Error).message,
    "carries",
    JSON.stringify(getExecutionContext(e)?.entries),
  )
}

// 8. Tasks on a virtual clock: an hour of sleeping finishes at once, in a deterministic order.
const worker = fn(function* worker(name: string, ms: number) {
  yield* sleep(ms)
  return `${name} after ${ms / 60_000} min`
})
const crew = program(function* crew() {
  const slow = yield* spawn(worker("slow", 3_600_000))
  const fast = yield* spawn(worker("fast", 60_000))
  return yield* gather(slow, fast)
})
console.log("7. tasks:", run(scheduled(crew, { clock: new VirtualClock() })).join("; "))

// 9. A race found by a seeded random scheduler, and replayed from its recorded choices.
const increment = fn(function* increment(box: { n: number }, warmUp: number) {
  for (let i = 0; i < warmUp; i++) yield* sleep(0)
  const seen = box.n
  yield* sleep(0) // another task may run here: a read-modify-write race
  box.n = seen + 1
})
const racy = program(function* racy() {
  const box = { n: 0 }
  yield* gather(increment(box, 0), increment(box, 3))
  return box.n
})
let seed = 0
let lost = runOutcome(scheduled(racy, { policy: { random: seed } }))
while (lost.status === "done" && lost.value === 2) {
  seed++
  lost = runOutcome(scheduled(racy, { policy: { random: seed } }))
}
const replayed = runOutcome(scheduled(racy, { policy: { replay: lost.choices } }))
console.log(
  `8. seed ${seed} loses an update (counter ${lost.status === "done" ? lost.value : "?"}); replaying its ${lost.choices.length} choices gives ${replayed.status === "done" ? replayed.value : "?"} again`,
)

// 10. A periodic task keeps its cadence; the run is bounded to 25 scheduling rounds.
const scan = program(function* scan() {
  yield* sleep(3)
})
const plant = program(function* plant() {
  const sensor = yield* every(10, scan, { name: "sensor" })
  try {
    yield* sleep(1_000)
  } finally {
    const stats = yield* taskStats(sensor)
    console.log(
      `9. sensor every 10 ms: ${stats.activations} activations, ${stats.maxMs} ms max, ${stats.overruns} overruns`,
    )
  }
})
const bounded = runOutcome(scheduled(plant, { clock: new VirtualClock(), maxRounds: 25 }))
console.log(`   the run ended ${bounded.status} after ${bounded.steps} machine steps`)

// 11. A failure three tasks deep: the traceback shows every frame and the spawn chain.
const leafWorker = fn(function* leafWorker(id: string) {
  yield* sleep(5)
  if (id === "1-2") throw new Error(`corrupt data for item ${id}`)
  return id
})
const batchWorker = fn(function* batchWorker(batch: number) {
  const leaves = [1, 2].map((i) => leafWorker(`${batch}-${i}`))
  return yield* gather(...leaves)
})
const orchestrator = program(function* orchestrator() {
  const batch = yield* spawn(batchWorker(1), { name: "batch 1" })
  return yield* gather(batch)
})
try {
  run(scheduled(orchestrator, { clock: new VirtualClock() }))
} catch (error) {
  console.log("10. a traceback across three tasks:\n")
  console.log(formatTraceback(error))
}
