import type { ReadyTasks } from "./choice-queue.js"
import type { Task } from "./task.js"

/** What `Rounds.next` answers when the last allowed round has ended. */
export const ROUND_LIMIT: unique symbol = Symbol("effvm.roundLimit")

/**
 * Scheduling in rounds, like the scans of a PLC (`scheduled(body, { maxRounds })`): a round
 * takes the tasks that are ready when it begins (by priority, FIFO among equals) and gives
 * each one activation; a task made ready during the round first runs in the next. The
 * root task's first activation is round 1. Time the clock jumps while nothing is ready is
 * not a round.
 */
export class Rounds {
  /** Rounds completed so far. */
  count = 0
  #batch: Task<unknown>[] = []
  #at = 0
  /** Round 1 is under way from the start: it is the root task's first activation. */
  #inRound = true

  constructor(readonly max: number) {}

  /** The next task of the round, `undefined` when nothing is ready, or ROUND_LIMIT. */
  next(ready: ReadyTasks): Task<unknown> | undefined | typeof ROUND_LIMIT {
    for (;;) {
      while (this.#at < this.#batch.length) {
        const task = this.#batch[this.#at++]!
        if (task.runnable) return task
      }
      if (this.#inRound) {
        this.#inRound = false
        this.#batch.length = 0
        this.#at = 0
        if (++this.count >= this.max) return ROUND_LIMIT
      }
      for (let task = ready.pop(); task !== undefined; task = ready.pop()) this.#batch.push(task)
      if (this.#batch.length === 0) return undefined
      this.#inRound = true
    }
  }

  /** Rounds end (the run is stopping): the rest of the round goes back to the ready queue. */
  release(ready: ReadyTasks): void {
    for (let i = this.#at; i < this.#batch.length; i++) {
      const task = this.#batch[i]!
      if (task.runnable) ready.push(task)
    }
    this.#batch.length = 0
    this.#at = 0
  }
}

/** Throws a TypeError for a bad `maxRounds` option. */
export function checkMaxRounds(maxRounds: unknown): void {
  if (typeof maxRounds !== "number" || !Number.isInteger(maxRounds) || maxRounds < 1) {
    throw new TypeError(
      `scheduled(body, { maxRounds }): maxRounds must be a whole number of rounds >= 1, got ${String(maxRounds)}`,
    )
  }
}
