// Fails on purpose: a leaf task three tasks deep throws, and the traceback shows the chain
// of tasks that spawned it (docs/semantics.md §6), with the scheduler's verdict on each `gather`.
// Run with EFFVM_CAPTURE_STACKS=full to see each waiting frame's live line.
import { gather, scheduled, sleep, spawn, VirtualClock } from "@effvm/scheduler"
import { fn, formatTraceback, program, run, type Yielded } from "@effvm/vm-core"

const leafWorker = fn(function* leafWorker(id: string): Generator<Yielded, string, unknown> {
  yield* sleep(10)
  if (id === "1-2") throw new Error(`corrupt data for item ${id}`)
  return id
})

const batchWorker = fn(function* batchWorker(n: number): Generator<Yielded, string[], unknown> {
  const leaves = [
    yield* spawn(leafWorker(`${n}-1`), { name: `leaf ${n}-1` }),
    yield* spawn(leafWorker(`${n}-2`), { name: `leaf ${n}-2` }),
  ]
  return yield* gather(...leaves)
})

const orchestrator = program(function* orchestrator() {
  const batches = [
    yield* spawn(batchWorker(1), { name: "batch 1" }),
    yield* spawn(batchWorker(2), { name: "batch 2" }),
  ]
  return yield* gather(...batches)
})

try {
  run(scheduled(orchestrator, { clock: new VirtualClock() }))
} catch (error) {
  console.error(formatTraceback(error))
  process.exit(1)
}
