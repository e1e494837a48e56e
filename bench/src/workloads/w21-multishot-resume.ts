/**
 * W21: what a later resume of a multi-shot continuation costs as a function of the body's
 * prefix. The body performs `size` effects answered outside the multi-shot handler, then one
 * `Flip`; the handler resumes it twice. The second resume re-runs the body and replays the
 * `size` logged answers. Unit: ns per replayed effect (the whole run divided by `size`);
 * the floor is `size` performs in a plain generator loop.
 */
import { Effect, fn, handler, Resume, run, Transfer, withHandler } from "@effvm/vm-core"
import * as floor from "../runtimes/floor.js"
import type { Case, Workload } from "../types.js"

class Flip extends Effect<boolean> {}
class Tick extends Effect<number> {}

function* floorTicks(n: number): floor.FloorGen {
  let s = 0
  for (let i = 0; i < n; i++) s += yield new floor.FloorTick()
  return s
}

const prefixThenFlip = fn(function* prefixThenFlip(n: number) {
  let s = 0
  for (let i = 0; i < n; i++) s += yield* new Tick()
  return (yield* new Flip()) ? s : 0
})

const both = handler(
  function* both(_eff: Flip, k) {
    const first = (yield* Resume(k, true)) as number
    const again = (yield* Resume(k, true)) as number
    return first === again ? again : -1
  },
  { handles: [Flip], multishot: true },
)
const ticks = handler((_eff: Tick, k) => Transfer(k, 1), { handles: [Tick] })

const cases: Case[] = [
  {
    runtime: "floor",
    variant: "",
    label: "plain performs",
    run: (n) =>
      floor.drive(floorTicks(n), (eff) =>
        eff instanceof floor.FloorTick ? 1 : floor.unhandled(eff),
      ),
  },
  {
    runtime: "effvm",
    variant: "later-resume",
    label: "first run + a re-run replaying the prefix",
    run: (n) => run(withHandler(ticks, withHandler(both, prefixThenFlip(n)))) as number,
  },
]

export const workload: Workload = {
  id: "W21",
  title: "multi-shot: a later resume replays the body's prefix",
  metric: { kind: "per-unit", unit: "ns/prefix effect" },
  sizes: [100, 10_000, 1_000_000],
  smokeSizes: [100],
  expected: (n) => n,
  cases,
  targets: [],
}
