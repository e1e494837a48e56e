import { type Continuation, Transfer } from "@effvm/vm-core"
import { attachSuppressed } from "./errors.js"
import type { SchedulerPort } from "./port.js"
import { Task } from "./task.js"
import { RESUME_VALUE } from "./task-state.js"
import {
  addLink,
  type Blocker,
  type Join,
  type JoinLink,
  removeLink,
  type Waitable,
} from "./wait-types.js"

/**
 * The ways a task waits on other tasks and promises: `wait` (one input), `gather` and
 * `gatherSettled` (all inputs), `race` (the first), and `cancel` (until the cancelled task
 * has finished). Each is the blocked task's `Blocker` and a `Join` on its inputs.
 */

/** `wait(input)`: resumes with the input's value or throws its error. */
export class WaitJoin implements Join, Blocker {
  readonly draining = false
  readonly defersInterrupts = false
  readonly #link: JoinLink = { join: this, index: 0 }

  constructor(
    readonly scheduler: SchedulerPort,
    readonly task: Task<unknown>,
    readonly input: Waitable,
  ) {
    addLink(input, this.#link)
  }

  settled(input: Waitable): void {
    this.scheduler.wakeWith(this.task, input)
  }

  detach(): void {
    removeLink(this.input, this.#link)
  }

  describe(): string {
    return `waits on ${this.input.describe()}`
  }
}

/** `cancel(task)`: waits until the cancelled task has finished its `finally` blocks. */
export class CancelWait implements Join, Blocker {
  /** Not a waiter for the result: a failure in the task's cleanup goes to its parent. */
  readonly draining = true
  readonly defersInterrupts = false
  readonly #link: JoinLink = { join: this, index: 0 }

  constructor(
    readonly scheduler: SchedulerPort,
    readonly task: Task<unknown>,
    readonly input: Task<unknown>,
  ) {
    addLink(input, this.#link)
  }

  settled(): void {
    this.scheduler.makeReady(this.task, RESUME_VALUE, undefined)
  }

  detach(): void {
    removeLink(this.input, this.#link)
  }

  describe(): string {
    return `waits for the cancelled ${this.input.describe()} to finish`
  }
}

/**
 * A join on several inputs that may decide before all of them settled (a failure in
 * `gather`, the winner of a `race`). It then cancels the unfinished tasks among its inputs
 * and drains: it waits until they have finished their `finally` blocks before the waiting
 * task goes on. Interruptions of the waiting task are deferred while it drains.
 */
export abstract class MultiJoin implements Join, Blocker {
  draining = false
  #done = false
  readonly #links: (JoinLink | null)[]
  #drainLeft = 0

  constructor(
    readonly scheduler: SchedulerPort,
    readonly task: Task<unknown>,
    readonly inputs: readonly Waitable[],
  ) {
    this.#links = new Array<JoinLink | null>(inputs.length).fill(null)
  }

  get defersInterrupts(): boolean {
    return this.draining
  }

  /** Takes an input's outcome; returns true when the join has decided. */
  protected abstract take(input: Waitable, index: number): boolean
  /** Whether every input has been taken (the join is complete without draining). */
  protected abstract get complete(): boolean
  /** Wakes the waiting task with the join's outcome. */
  protected abstract deliver(): void
  /** Whether the outcome is known before any input is taken (gatherN asking for too many). */
  protected get decidedAtStart(): boolean {
    return false
  }

  /** Answers the still-running task directly with the join's outcome. */
  protected abstract deliverNow(k: Continuation<unknown>): unknown
  protected abstract get verb(): string

  /** Starts the join for the current task: answers at once, or blocks it. */
  begin(k: Continuation<unknown>): unknown {
    const inputs = this.inputs
    let decided = this.decidedAtStart
    for (let i = 0; i < inputs.length && !decided; i++) {
      if (inputs[i]!.finished) decided = this.take(inputs[i]!, i)
    }
    if (!decided) {
      if (this.complete) return this.deliverNow(k)
      for (let i = 0; i < inputs.length; i++) if (!inputs[i]!.finished) this.#link(i)
      return this.scheduler.block(this.task, k, this)
    }
    if (!inputs.some((input) => input instanceof Task && !input.finished)) return this.deliverNow(k)
    this.scheduler.suspend(this.task, k, this)
    this.#drain()
    return this.scheduler.decide()
  }

  settled(input: Waitable, index: number): void {
    if (this.#done) return
    this.#links[index] = null
    if (this.draining) {
      if (--this.#drainLeft === 0) this.#finish()
      return
    }
    if (this.take(input, index)) this.#drain()
    else if (this.complete) this.#finish()
  }

  detach(): void {
    this.#done = true
    for (let i = 0; i < this.#links.length; i++) {
      const link = this.#links[i]
      if (link !== null) removeLink(this.inputs[i]!, link)
      this.#links[i] = null
    }
  }

  describe(): string {
    const open = this.inputs.filter((input) => !input.finished)
    const shown = open.slice(0, 5).map((input) => input.describe())
    const more = open.length > 5 ? ` and ${open.length - 5} more` : ""
    return this.draining
      ? `waits for the tasks its ${this.verb} cancelled to finish: ${shown.join(", ")}${more}`
      : `${this.verb}s ${shown.join(", ")}${more}`
  }

  #link(index: number): void {
    const link: JoinLink = { join: this, index }
    this.#links[index] = link
    addLink(this.inputs[index]!, link)
  }

  /** Decided: cancel the unfinished tasks, stop listening to promises, wait for the tasks. */
  #drain(): void {
    this.draining = true
    const toCancel: Task<unknown>[] = []
    for (let i = 0; i < this.inputs.length; i++) {
      const input = this.inputs[i]!
      if (input.finished) continue
      if (input instanceof Task) {
        if (this.#links[i] === null) this.#link(i)
        toCancel.push(input)
      } else {
        const link = this.#links[i]
        if (link !== null) removeLink(input, link)
        this.#links[i] = null
      }
    }
    this.#drainLeft = toCancel.length
    // Cancelling a task that never started finishes it at once, which may finish the drain.
    for (const task of toCancel) this.scheduler.cancelTask(task)
    if (this.#drainLeft === 0) this.#finish()
  }

  #finish(): void {
    if (this.#done) return
    this.detach()
    this.deliver()
  }
}

/** `gather` (fails fast) and `gatherSettled` (collects every outcome), in input order. */
export class GatherJoin extends MultiJoin {
  readonly #results: unknown[]
  #remaining: number
  #failure: Waitable | null = null

  constructor(
    scheduler: SchedulerPort,
    task: Task<unknown>,
    inputs: readonly Waitable[],
    readonly settledMode: boolean,
  ) {
    super(scheduler, task, inputs)
    this.#results = new Array<unknown>(inputs.length)
    this.#remaining = inputs.length
  }

  protected take(input: Waitable, index: number): boolean {
    if (this.settledMode) {
      this.#results[index] = input.settledOk
        ? { ok: true, value: input.settledValue }
        : { ok: false, error: input.settledValue }
    } else if (input.settledOk) this.#results[index] = input.settledValue
    else {
      this.#failure = input
      return true
    }
    this.#remaining--
    return false
  }

  protected get complete(): boolean {
    return this.#remaining === 0
  }

  protected deliver(): void {
    if (this.#failure !== null) this.scheduler.wakeWith(this.task, this.#failure)
    else this.scheduler.makeReady(this.task, RESUME_VALUE, this.#results)
  }

  protected deliverNow(k: Continuation<unknown>): unknown {
    if (this.#failure !== null) return this.scheduler.deliverNow(this.task, this.#failure, k)
    return Transfer(k, this.#results)
  }

  protected get verb(): string {
    return "gather"
  }

  absorb(error: unknown): boolean {
    return this.#failure !== null && attachSuppressed(this.#failure.settledValue, error)
  }
}

/** `race`: the first input to settle wins, whatever its outcome; the others are cancelled. */
export class RaceJoin extends MultiJoin {
  #winner: Waitable | null = null

  protected take(input: Waitable): boolean {
    this.#winner = input
    return true
  }

  protected get complete(): boolean {
    return false
  }

  protected deliver(): void {
    this.scheduler.wakeWith(this.task, this.#winner!)
  }

  protected deliverNow(k: Continuation<unknown>): unknown {
    return this.scheduler.deliverNow(this.task, this.#winner!, k)
  }

  protected get verb(): string {
    return "race"
  }

  absorb(error: unknown): boolean {
    const winner = this.#winner
    return winner !== null && !winner.settledOk && attachSuppressed(winner.settledValue, error)
  }
}
