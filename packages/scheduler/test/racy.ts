import { fn, program } from "@effvm/vm-core"
import { gather, sleep, spawn } from "../src/index.js"

/**
 * A racy program: two workers increment a shared counter with a read-modify-write across a
 * `sleep(0)`. The "late" worker does some other work (yields) first. Under FIFO the two
 * critical sections never overlap (the counter ends at 2); some random interleavings put
 * both reads before both writes, and one increment is lost (the counter ends at 1).
 */
const increment = fn(function* increment(box: { n: number }, warmUp: number) {
  for (let i = 0; i < warmUp; i++) yield* sleep(0)
  const seen = box.n
  yield* sleep(0)
  box.n = seen + 1
})

export const racyCounter = program(function* racyCounter() {
  const box = { n: 0 }
  const early = yield* spawn(increment(box, 0), { name: "early" })
  const late = yield* spawn(increment(box, 3), { name: "late" })
  yield* gather(early, late)
  return box.n
})
