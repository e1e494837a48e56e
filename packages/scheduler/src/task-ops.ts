import { type Continuation, type Effect, Program, Transfer, TransferThrow } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import {
  checkJoinable,
  type Joinable,
  type JoinEffects,
  joinInputs,
  type ResultOf,
  waitProblem,
} from "./inputs.js"
import { CancelWait, GatherJoin, RaceJoin, WaitJoin } from "./joins.js"
import type { SchedulerPort } from "./port.js"
import type { SchedulerPromise } from "./promise.js"
import { CancelScopeOp } from "./scope-cancel.js"
import { limitStackToCaller, SpawnSite } from "./site.js"
import { CancelScope, Task } from "./task.js"
import type { SpawnOptions } from "./task-state.js"
import { checkWatchdog } from "./watchdog.js"

/**
 * One outcome in the result of `gatherSettled`, like `attempt`'s.
 *
 * @example
 * ```ts
 * const results: Settled<string>[] = yield* gatherSettled(fetchPage("a"), fetchPage("b"))
 * for (const r of results) console.log(r.ok ? r.value : `failed: ${r.error}`)
 * ```
 */
export type Settled<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown }

class Spawn<T> extends SchedulerEffect<Task<T>> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `spawn(${this.program.name}${this.options?.name === undefined ? "" : `, "${this.options.name}"`})`
  }

  constructor(
    readonly program: Program<T>,
    readonly options: SpawnOptions | undefined,
    readonly site: SpawnSite,
  ) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    return Transfer(k, s.spawnTask(task, this.program, this.options, this.site, k))
  }
}

class Wait<T> extends SchedulerEffect<T> {
  constructor(readonly input: Task<T> | SchedulerPromise<T>) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    const input = this.input
    const problem = waitProblem(s, task, input, "wait")
    if (problem !== null) return TransferThrow(k, problem)
    if (input.finished) return s.deliverNow(task, input, k)
    return s.block(task, k, new WaitJoin(s, task, input))
  } /** How messages and tracebacks show it. */
  override toString(): string {
    return `wait(${String(this.input)})`
  }
}

const GATHER = 0
const GATHER_SETTLED = 1
const RACE = 2
const joinNames = ["gather", "gatherSettled", "race"]

class Join<R> extends SchedulerEffect<R> {
  constructor(
    readonly items: readonly Joinable[],
    readonly kind: number,
    readonly site: SpawnSite | null,
  ) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    const inputs = joinInputs(s, task, this.items, joinNames[this.kind]!, this.site, k)
    if (inputs instanceof TypeError) return TransferThrow(k, inputs)
    const join =
      this.kind === RACE
        ? new RaceJoin(s, task, inputs)
        : new GatherJoin(s, task, inputs, this.kind === GATHER_SETTLED)
    return join.begin(k)
  } /** How messages and tracebacks show it: `gather(2 items)`. */
  override toString(): string {
    return `${joinNames[this.kind]}(${this.items.length} ${this.items.length === 1 ? "item" : "items"})`
  }
}

class Cancel extends SchedulerEffect<void> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `cancel(${this.task})`
  }

  constructor(readonly task: Task<unknown>) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, self: Task<unknown>): unknown {
    const target = this.task
    if (target.owner !== s) {
      return TransferThrow(
        k,
        new TypeError(`cancel(${target}): it belongs to another scheduler run.`),
      )
    }
    s.cancelTask(target)
    // Cancelling yourself: the cancellation is thrown right here, at this suspension.
    if (target === self)
      return self.pending !== null ? s.throwPending(self, k) : Transfer(k, undefined)
    if (target.finished) return Transfer(k, undefined)
    return s.block(self, k, new CancelWait(s, self, target))
  }
}

/**
 * Starts `program` as a new task, a child of the current one, and returns its handle at
 * once: the spawner goes on, the child runs when its turn comes (higher `priority` first,
 * FIFO among equals). The child runs under the handlers that were in scope at the spawn:
 * those between `scheduled` and here (the same instances), then the scheduler, then those
 * outside `scheduled`. When the spawner ends, its unfinished non-daemon children are
 * cancelled; a child's failure nobody waits for is thrown into the spawner.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const a = yield* spawn(fetchPage("a"), { name: "page a" })
 *   const b = yield* spawn(fetchPage("b"), { name: "page b", priority: 1 })
 *   return yield* gather(a, b)
 * })
 * ```
 */
export function spawn<T, E extends Effect<unknown> = never>(
  program: Program<T, E>,
  options?: SpawnOptions,
): SchedulerEffect<Task<T>, E> {
  if (!(program instanceof Program)) {
    throw new TypeError(
      `spawn() expects a program (made by fn(), program() or pure()), got ${describeInput(program)}`,
    )
  }
  if (options !== undefined) checkSpawnOptions(options, "spawn")
  const limit = limitStackToCaller()
  const capture = new Error()
  Error.stackTraceLimit = limit
  return new Spawn<T>(program, options, new SpawnSite(capture)) as SchedulerEffect<Task<T>, E>
}

/**
 * Waits until a task (or a scheduler promise) settles and evaluates to its value, or throws
 * its error: a cancelled task throws `TaskCancelledError`. A failure crossing from another
 * task is enriched here, so its traceback shows both tasks.
 *
 * @example
 * ```ts
 * const task = yield* spawn(compute(21))
 * const answer = yield* wait(task) // 42
 * ```
 */
export function wait<T>(input: Task<T> | SchedulerPromise<T>): SchedulerEffect<T> {
  checkJoinable(input, "wait", false)
  return new Wait(input)
}

/**
 * Waits for every input (tasks, scheduler promises, or programs, which are spawned as
 * children) and evaluates to their values in input order. Fails fast: at the first failure
 * the unfinished tasks are cancelled, and once they have finished their `finally` blocks the
 * failure is thrown here.
 *
 * @example
 * ```ts
 * const [user, posts] = yield* gather(fetchUser(1), fetchPosts(1))
 * ```
 */
export function gather<const J extends readonly Joinable[]>(
  ...inputs: J
): SchedulerEffect<{ -readonly [I in keyof J]: ResultOf<J[I]> }, JoinEffects<J>> {
  if (!checkJoinables(inputs, GATHER)) return new Join(inputs, GATHER, null)
  const limit = limitStackToCaller()
  const capture = new Error()
  Error.stackTraceLimit = limit
  return new Join(inputs, GATHER, new SpawnSite(capture))
}

/**
 * Waits for every input and evaluates to each outcome in input order, as `{ ok: true,
 * value }` or `{ ok: false, error }` (a cancelled task is `{ ok: false, error:
 * TaskCancelledError }`). Never fails fast.
 *
 * @example
 * ```ts
 * const results = yield* gatherSettled(fetchPage("a"), fetchPage("b"))
 * const pages = results.filter((r) => r.ok)
 * ```
 */
export function gatherSettled<const J extends readonly Joinable[]>(
  ...inputs: J
): SchedulerEffect<{ -readonly [I in keyof J]: Settled<ResultOf<J[I]>> }, JoinEffects<J>> {
  if (!checkJoinables(inputs, GATHER_SETTLED)) return new Join(inputs, GATHER_SETTLED, null)
  const limit = limitStackToCaller()
  const capture = new Error()
  Error.stackTraceLimit = limit
  return new Join(inputs, GATHER_SETTLED, new SpawnSite(capture))
}

/**
 * The first input to settle wins: `race` evaluates to its value, or throws its error (a
 * failed or cancelled task counts as settling). The other tasks are cancelled and have
 * finished their `finally` blocks before `race` returns. An empty race is a `TypeError`.
 *
 * @example
 * ```ts
 * const page = yield* race(fetchPage("primary"), fetchPage("mirror"))
 * ```
 */
export function race<const J extends readonly Joinable[]>(
  ...inputs: J
): SchedulerEffect<ResultOf<J[number]>, JoinEffects<J>> {
  if (inputs.length === 0) {
    throw new TypeError(
      "race() needs at least one task, promise or program: an empty race has no winner.",
    )
  }
  if (!checkJoinables(inputs, RACE)) return new Join(inputs, RACE, null)
  const limit = limitStackToCaller()
  const capture = new Error()
  Error.stackTraceLimit = limit
  return new Join(inputs, RACE, new SpawnSite(capture))
}

/**
 * Cancels a task: `TaskCancelledError` is thrown into it at its current suspension, its
 * `finally` blocks run (they may perform any effect), and `cancel` returns once it has
 * finished. A no-op on a finished task. Cancelling the current task throws the
 * cancellation right here. Given a `CancelScope` (from `cancelScope`), cancels the scope's
 * body and every task spawned inside it, and returns once the scope has closed (a no-op on
 * a closed scope; from inside the scope, the cancellation is thrown right here).
 *
 * @example
 * ```ts
 * const poller = yield* spawn(pollForever())
 * yield* sleep(5_000)
 * yield* cancel(poller)
 * ```
 */
export function cancel(task: Task<unknown> | CancelScope): SchedulerEffect<void> {
  if (task instanceof CancelScope) return new CancelScopeOp(task)
  if (!(task instanceof Task)) {
    throw new TypeError(
      `cancel() expects a task (from spawn) or a cancel scope, got ${describeInput(task)}`,
    )
  }
  return new Cancel(task)
}

/**
 * Checks the inputs of a join; returns whether any is a program (then the join spawns, and
 * its entry function captures the spawn site inline).
 */
function checkJoinables(inputs: readonly Joinable[], kind: number): boolean {
  let programs = false
  for (const input of inputs) {
    checkJoinable(input, joinNames[kind]!, true)
    if (input instanceof Program) programs = true
  }
  return programs
}

/** Throws a TypeError naming the first bad option of `spawn` (or `every`). */
export function checkSpawnOptions(options: SpawnOptions, caller: string): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `${caller}(program, options): options must be an object, got ${describeInput(options)}`,
    )
  }
  if (options.name !== undefined && typeof options.name !== "string") {
    throw new TypeError(
      `${caller}(program, { name }): name must be a string, got ${describeInput(options.name)}`,
    )
  }
  if (options.priority !== undefined && !Number.isFinite(options.priority)) {
    throw new TypeError(
      `${caller}(program, { priority }): priority must be a finite number, got ${describeInput(options.priority)}`,
    )
  }
  if (options.watchdog !== undefined) checkWatchdog(options.watchdog, caller)
}
