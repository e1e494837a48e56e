import { fn, program, formatTraceback, type Yielded } from "@effvm/vm-core"
import { it } from "vitest"
import { gather, sleep, spawn } from "../packages/scheduler/src/index.js"
import { runVirtual, thrownBy } from "../packages/scheduler/test/helpers.js"
const leafWorker = fn(function* leafWorker(id: string): Generator<Yielded, never, unknown> {
  yield* sleep(1)
  throw new Error(`corrupt data for item ${id}`)
})
it("x", () => {
  const orchestrator = program(function* orchestrator() {
    const b1 = yield* spawn(leafWorker("1"), { name: "batch 1" })
    return yield* gather(b1)
  })
  const e = thrownBy(() => runVirtual(orchestrator)) as Error
  console.log(formatTraceback(e)); console.log(e.stack)
})
