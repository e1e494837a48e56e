// A job queue between tasks with a channel: one producer sends ten jobs into a channel of
// capacity 3 (it waits while the channel is full), three workers receive them until the
// channel is closed and drained. Every job is handled exactly once, in the order it was
// sent. On a virtual clock, so it runs instantly. Run after `pnpm build`:
//   node examples/dist/scheduler/channels.js
import {
  type Channel,
  closeChannel,
  createChannel,
  gather,
  now,
  receive,
  scheduled,
  send,
  sleep,
  spawn,
  VirtualClock,
} from "@effvm/scheduler"
import { fn, program, run, type Yielded } from "@effvm/vm-core"

const lines: string[] = []
const say = fn(function* say(text: string): Generator<Yielded, void, unknown> {
  lines.push(`[${String(yield* now()).padStart(3)} ms] ${text}`)
})

const producer = fn(function* producer(jobs: Channel<number>): Generator<Yielded, void, unknown> {
  for (let job = 1; job <= 10; job++) {
    yield* send(jobs, job) // waits while three jobs are queued
    yield* say(`queued job ${job}`)
  }
  yield* closeChannel(jobs) // the workers' loops end once the queue is drained
})

const worker = fn(function* worker(
  name: string,
  jobs: Channel<number>,
): Generator<Yielded, number[], unknown> {
  const done: number[] = []
  for (;;) {
    const next = yield* receive(jobs)
    if (next.done) return done
    yield* sleep(10 * next.value) // the work
    yield* say(`${name} finished job ${next.value}`)
    done.push(next.value)
  }
})

const main = program(function* main() {
  const jobs = yield* createChannel<number>(3)
  yield* spawn(producer(jobs), { name: "producer" })
  const handled = yield* gather(worker("w1", jobs), worker("w2", jobs), worker("w3", jobs))
  const all = handled.flat().sort((a, b) => a - b)
  yield* say(`handled ${all.length} jobs: ${all.join(", ")}`)
  return all
})

const handled = run(scheduled(main, { clock: new VirtualClock() }))
for (const line of lines) console.log(line)
if (handled.length !== 10) throw new Error("a job was lost or handled twice")
