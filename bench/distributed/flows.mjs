// The distributed benchmark's run: `order(n)` is 2 tasks of 5 outside effects each (10
// journaled answers per run), no sleeps: what is measured is the queue, the claims and the
// journal writes.
import { gather, scheduled, spawn } from "@effvm/scheduler"
import { Effect, fn } from "@effvm/vm-core"

export class Charge extends Effect {
  constructor(order, task, step) {
    super()
    this.order = order
    this.task = task
    this.step = step
  }
}

export const EFFECTS_PER_RUN = 10

const part = fn(function* part(order, t) {
  let acc = 0
  for (let s = 0; s < 5; s++) acc += yield* new Charge(order, t, s)
  return acc
})

const checkout = fn(function* checkout(order) {
  const a = yield* spawn(part(order, 0))
  const b = yield* spawn(part(order, 1))
  const [x, y] = yield* gather(a, b)
  return x + y
})

export const order = (n) => scheduled(checkout(n))

/** The value `order(n)` ends with. */
export const expected = (n) => 100 * n + 25
