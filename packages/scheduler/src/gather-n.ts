import { type Continuation, Program, Transfer, TransferThrow } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import {
  checkJoinable,
  countOf,
  type Joinable,
  type JoinEffects,
  joinInputs,
  type ResultOf,
} from "./inputs.js"
import { messageOf } from "./join-any.js"
import { MultiJoin } from "./joins.js"
import type { SchedulerPort } from "./port.js"
import { captureSpawnSite, type SpawnSite } from "./site.js"
import type { Task } from "./task.js"
import { RESUME_THROW, RESUME_VALUE } from "./task-state.js"
import type { Waitable } from "./wait-types.js"

/**
 * `gatherN(n, …)`: the first `n` successes in completion order; as soon as fewer than `n`
 * successes remain possible, an AggregateError of every failure so far, in input order.
 */
class GatherNJoin extends MultiJoin {
  readonly #values: unknown[] = []
  readonly #errors: (unknown | undefined)[] = []
  readonly #failedAt: boolean[]
  #failed = 0

  constructor(
    scheduler: SchedulerPort,
    task: GatherNJoin["task"],
    inputs: readonly Waitable[],
    readonly n: number,
  ) {
    super(scheduler, task, inputs)
    this.#failedAt = new Array<boolean>(inputs.length).fill(false)
  }

  protected take(input: Waitable, index: number): boolean {
    if (input.settledOk) {
      this.#values.push(input.settledValue)
      return this.#values.length === this.n
    }
    this.#errors[index] = input.settledValue
    this.#failedAt[index] = true
    this.#failed++
    return this.inputs.length - this.#failed < this.n
  }

  protected get complete(): boolean {
    return false
  }

  protected override get decidedAtStart(): boolean {
    return this.inputs.length < this.n
  }

  protected deliver(): void {
    if (this.#values.length === this.n)
      this.scheduler.makeReady(this.task, RESUME_VALUE, this.#values)
    else this.scheduler.makeReady(this.task, RESUME_THROW, this.#aggregate())
  }

  protected deliverNow(k: Continuation<unknown>): unknown {
    if (this.#values.length === this.n) return Transfer(k, this.#values)
    return TransferThrow(k, this.#aggregate())
  }

  protected get verb(): string {
    return "gatherN"
  }

  #aggregate(): AggregateError {
    const errors = this.#errors.filter((_, i) => this.#failedAt[i])
    if (this.inputs.length < this.n) {
      return new AggregateError(
        errors,
        `gatherN(${this.n}): only ${this.inputs.length} inputs, so ${this.n} successes were never possible`,
      )
    }
    return new AggregateError(
      errors,
      `gatherN(${this.n}): ${errors.length} of ${this.inputs.length} inputs failed, so ${this.n} successes are no longer possible: ${errors.map(messageOf).join("; ")}`,
    )
  }
}

class GatherNOp<R> extends SchedulerEffect<R> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `gatherN(${this.n} of ${countOf(this.items)})`
  }

  constructor(
    readonly n: number,
    readonly items: readonly Joinable[],
    readonly site: SpawnSite | null,
  ) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    const inputs = joinInputs(s, task, this.items, "gatherN", this.site, k)
    if (inputs instanceof TypeError) return TransferThrow(k, inputs)
    return new GatherNJoin(s, task, inputs, this.n).begin(k)
  }
}

/**
 * Waits for the first `n` inputs to succeed and evaluates to their values in completion
 * order; the other tasks are cancelled and have finished their `finally` blocks before it
 * returns. As soon as so many inputs failed that `n` successes are no longer possible, the
 * unfinished tasks are cancelled the same way and `gatherN` throws an `AggregateError`
 * holding every failure so far, in input order; with fewer inputs than `n` that is at
 * once (an empty AggregateError; task inputs are cancelled like the rest). `n` must be an
 * integer >= 1. Inputs that had already finished when `gatherN` started are taken in input
 * order.
 *
 * @example
 * ```ts
 * // a quorum: two of three replicas must answer
 * const [first, second] = yield* gatherN(2, write("a"), write("b"), write("c"))
 * ```
 */
export function gatherN<const J extends readonly Joinable[]>(
  n: number,
  ...inputs: J
): SchedulerEffect<ResultOf<J[number]>[], JoinEffects<J>> {
  if (!Number.isInteger(n) || n < 1) {
    throw new TypeError(`gatherN(n, ...inputs): n must be an integer >= 1, got ${describeInput(n)}`)
  }
  let programs = false
  for (const input of inputs) {
    checkJoinable(input, "gatherN", true)
    if (input instanceof Program) programs = true
  }
  return new GatherNOp<ResultOf<J[number]>[]>(
    n,
    inputs,
    programs ? captureSpawnSite(gatherN) : null,
  )
}
