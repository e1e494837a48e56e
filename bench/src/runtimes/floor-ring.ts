/**
 * The W4/W5 floor: a synchronous round-robin ring queue of plain generators, the least a
 * cooperative scheduler over generators can cost. A task yields `FloorTick` (answered at
 * once, the task goes on) or `FLOOR_YIELD` (it goes to the back of the ring).
 */
import { FloorTick, unhandled } from "./floor.js"

/** The cooperative yield of a floor task. */
export const FLOOR_YIELD: object = Object.freeze({ yield: true })
/** The one Tick floor tasks perform (effects are immutable; one instance is enough). */
export const FLOOR_TICK = new FloorTick()

/** A floor task: its generator and, once it returned, its result. */
export class FloorTask {
  done = false
  value = 0
  constructor(readonly gen: Generator<object, number, number>) {}
}

/** A growable circular buffer of tasks (capacity a power of two). */
export class Ring {
  #items: (FloorTask | undefined)[] = new Array(16)
  #head = 0
  #size = 0

  get size(): number {
    return this.#size
  }

  push(task: FloorTask): void {
    if (this.#size === this.#items.length) this.#grow()
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = task
    this.#size++
  }

  shift(): FloorTask | undefined {
    if (this.#size === 0) return undefined
    const task = this.#items[this.#head]
    this.#items[this.#head] = undefined
    this.#head = (this.#head + 1) & (this.#items.length - 1)
    this.#size--
    return task
  }

  #grow(): void {
    const old = this.#items
    const items = new Array<FloorTask | undefined>(old.length * 2)
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & (old.length - 1)]
    this.#items = items
    this.#head = 0
  }
}

/**
 * Runs `task` until it yields (then it goes to the back of `ring`) or returns. Ticks are
 * answered with 1 on the spot.
 */
export function step(task: FloorTask, ring: Ring): void {
  let r = task.gen.next(0)
  for (;;) {
    if (r.done) {
      task.done = true
      task.value = r.value
      return
    }
    if (r.value === FLOOR_YIELD) {
      ring.push(task)
      return
    }
    r = task.gen.next(r.value instanceof FloorTick ? 1 : unhandled(r.value))
  }
}

/** Runs every task in the ring round-robin until the ring is empty. */
export function drain(ring: Ring): void {
  for (let task = ring.shift(); task !== undefined; task = ring.shift()) step(task, ring)
}
