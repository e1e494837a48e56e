// Timeouts and retries on a virtual clock. A flaky service fails twice, then answers; a slow
// one never answers in time. `retry` with an exponential backoff (with jitter, drawn from the
// run's seeded source) gets through the flaky one; `timeout` gives up on the slow one after
// 200 ms, cancelling it (its `finally` runs) before TimeoutError is thrown. Run after
// `pnpm build`:
//   node examples/dist/scheduler/timeout-retry.js
import {
  backoff,
  now,
  retry,
  scheduled,
  sleep,
  TimeoutError,
  timeout,
  VirtualClock,
} from "@effvm/scheduler"
import { fn, program, run, type Yielded } from "@effvm/vm-core"

const lines: string[] = []
const say = fn(function* say(text: string): Generator<Yielded, void, unknown> {
  lines.push(`[${String(Math.round((yield* now()) as number)).padStart(4)} ms] ${text}`)
})

let calls = 0
const flakyService = program(function* flakyService(): Generator<Yielded, string, unknown> {
  calls++
  yield* sleep(20)
  if (calls < 3) {
    yield* say(`flaky service: attempt ${calls} failed`)
    throw new Error(`service unavailable (attempt ${calls})`)
  }
  yield* say(`flaky service: attempt ${calls} answered`)
  return "flaky answer"
})

const slowService = program(function* slowService(): Generator<Yielded, string, unknown> {
  try {
    yield* sleep(5_000)
    return "slow answer"
  } finally {
    yield* say("slow service: cancelled, cleaning up")
  }
})

const main = program(function* main() {
  const answer = yield* retry(timeout(1_000, flakyService), {
    times: 4,
    delay: backoff({ base: 100, factor: 2, max: 1_000, jitter: 0.2 }),
  })
  yield* say(`got "${answer}" after ${calls} attempts`)
  try {
    yield* timeout(200, slowService)
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error
    yield* say(`TimeoutError: ${error.message}`)
  }
})

run(scheduled(main, { clock: new VirtualClock(), policy: { random: 7 } }))
for (const line of lines) console.log(line)
