/** effvm helpers: the effects and handlers the workloads share. */
import { Effect, fn, handler, Pass, Resume, Transfer } from "@effvm/vm-core"

/** The trivial effect every workload performs; handlers answer it with 1. */
export class Tick extends Effect<number> {}
/** An effect no workload performs; W2's indexed outer handlers declare it. */
export class Other extends Effect<number> {}

/** Fast path: a plain function returning a (tail) `Resume`, indexed on `Tick`. */
export const fastTick = () => handler((_eff, k) => Resume(k, 1), { handles: [Tick] })

/** Generator handler; `Transfer` so no handler frame outlives the perform. */
export const genTick = () =>
  handler(function* (_eff, k) {
    return yield* Transfer(k, 1)
  })

/** A non-answering handler that declares another effect: the machine skips it unasked. */
export const indexedOther = () => handler((_eff, k) => Resume(k, 0), { handles: [Other] })

/** A non-answering catch-all handler that declines on the fast path. */
export const passAll = () => handler(() => Pass())

/** Performs `n` Ticks, summing the answers. */
export const tickLoop = fn(function* tickLoop(n: number) {
  let s = 0
  for (let i = 0; i < n; i++) s += yield* new Tick()
  return s
})
