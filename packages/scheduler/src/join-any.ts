import { type Continuation, Program, Transfer, TransferThrow } from "@effvm/vm-core"
import { SchedulerEffect } from "./effect.js"
import {
  checkJoinable,
  countOf,
  type Joinable,
  type JoinEffects,
  joinInputs,
  type ResultOf,
} from "./inputs.js"
import { MultiJoin } from "./joins.js"
import type { SchedulerPort } from "./port.js"
import { captureSpawnSite, type SpawnSite } from "./site.js"
import type { Task } from "./task.js"
import { RESUME_THROW, RESUME_VALUE } from "./task-state.js"
import type { Waitable } from "./wait-types.js"

/** `any`: the first success wins; when every input failed, an AggregateError of them all. */
class AnyJoin extends MultiJoin {
  #winner: Waitable | null = null
  readonly #errors: unknown[] = []
  #failed = 0

  protected take(input: Waitable, index: number): boolean {
    if (input.settledOk) {
      this.#winner = input
      return true
    }
    this.#errors[index] = input.settledValue
    return ++this.#failed === this.inputs.length
  }

  protected get complete(): boolean {
    return false
  }

  protected deliver(): void {
    if (this.#winner !== null)
      this.scheduler.makeReady(this.task, RESUME_VALUE, this.#winner.settledValue)
    else this.scheduler.makeReady(this.task, RESUME_THROW, this.#aggregate())
  }

  protected deliverNow(k: Continuation<unknown>): unknown {
    if (this.#winner !== null) return Transfer(k, this.#winner.settledValue)
    return TransferThrow(k, this.#aggregate())
  }

  protected get verb(): string {
    return "any"
  }

  #aggregate(): AggregateError {
    return new AggregateError(
      this.#errors,
      `any(): all ${this.inputs.length} inputs failed: ${this.#errors.map(messageOf).join("; ")}`,
    )
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

class AnyOp<R> extends SchedulerEffect<R> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `any(${countOf(this.items)})`
  }

  constructor(
    readonly items: readonly Joinable[],
    readonly site: SpawnSite | null,
  ) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    const inputs = joinInputs(s, task, this.items, "any", this.site, k)
    if (inputs instanceof TypeError) return TransferThrow(k, inputs)
    return new AnyJoin(s, task, inputs).begin(k)
  }
}

/**
 * The first input to succeed wins: `any` evaluates to its value, and the other tasks are
 * cancelled and have finished their `finally` blocks before it returns. Failures (and
 * cancellations) do not win: when every input failed, `any` throws an `AggregateError`
 * whose `errors` are every input's error, in input order. Takes tasks, scheduler promises
 * and programs (spawned as children). `any()` with no input is a `TypeError`.
 *
 * @example
 * ```ts
 * const page = yield* any(fetchFrom("mirror-1"), fetchFrom("mirror-2"), fetchFrom("mirror-3"))
 * ```
 */
export function any<const J extends readonly Joinable[]>(
  ...inputs: J
): SchedulerEffect<ResultOf<J[number]>, JoinEffects<J>> {
  if (inputs.length === 0) {
    throw new TypeError(
      "any() needs at least one task, promise or program: with no input nothing can succeed.",
    )
  }
  let programs = false
  for (const input of inputs) {
    checkJoinable(input, "any", true)
    if (input instanceof Program) programs = true
  }
  return new AnyOp<ResultOf<J[number]>>(inputs, programs ? captureSpawnSite(any) : null)
}
