import { fn, program, run, formatTraceback, getTraceback, handler, withHandlers, Transfer, Pass, Effect } from "@effvm/vm-core"
import { scheduled, spawn, gather, sleep, wait, VirtualClock } from "@effvm/scheduler"
const leaf = fn(function* leafWorker(id) { yield* sleep(1); throw new Error("corrupt " + id) })
const batch = fn(function* batchWorker(n) { const t = yield* spawn(leaf(`${n}-2`), {name:`leaf ${n}-2`}); return yield* gather(t) })
const orch = program(function* orchestrator() { const b = yield* spawn(batch(1), {name:"batch 1"}); return yield* gather(b) })
try { run(scheduled(orch, {clock: new VirtualClock()})) } catch (e) { console.log(formatTraceback(e)); console.log(JSON.stringify(getTraceback(e), null, 1).slice(0, 3000)) }
