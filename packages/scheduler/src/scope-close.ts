import { type Continuation, Transfer } from "@effvm/vm-core"
import { attachSuppressed } from "./errors.js"
import type { SchedulerPort } from "./port.js"
import type { CancelScope, Task } from "./task.js"
import { RESUME_THROW, RESUME_VALUE } from "./task-state.js"
import { addLink, type Blocker, type Join, type JoinLink, removeLink } from "./wait-types.js"

/**
 * What `cancelScope` evaluates to: `{ cancelled: true }` when the scope was cancelled,
 * else `{ cancelled: false, value }` with the body's value.
 *
 * @example
 * ```ts
 * const r: ScopeResult<number> = yield* cancelScope(function* () { return 1 })
 * if (!r.cancelled) console.log(r.value) // 1
 * ```
 */
export type ScopeResult<T> =
  | { readonly cancelled: true }
  | { readonly cancelled: false; readonly value: T }

/** How a scope ended, as the close answers the `cancelScope` program. */
export type Closed =
  | { readonly threw: false; readonly result: ScopeResult<unknown> }
  | { readonly threw: true; readonly error: unknown }

const CANCELLED: ScopeResult<unknown> = Object.freeze({ cancelled: true })

/**
 * Closes `scope` whose body ended with `ok`/`value` (and `late` interruptions that landed
 * on the close). Its own cancellation becomes `{ cancelled: true }`; any other error
 * propagates. A cancelled scope (itself or by an enclosing one) first waits until every
 * task spawned inside it has finished; a scope that was not cancelled hands its tasks to
 * the enclosing scope and leaves them running.
 */
export function closeScope(
  s: SchedulerPort,
  task: Task<unknown>,
  k: Continuation<unknown>,
  scope: CancelScope,
  ok: boolean,
  value: unknown,
  late: readonly unknown[] | null,
): unknown {
  task.scope = scope.parent
  const own = scope.cancelError
  if (own !== null) dropPending(task, own)
  let thrown: { readonly error: unknown } | null = ok || value === own ? null : { error: value }
  for (const error of late ?? []) {
    if (error === own) continue
    if (thrown === null) thrown = { error }
    else s.interrupt(task, RESUME_THROW, error)
  }
  const result: ScopeResult<unknown> = own !== null ? CANCELLED : { cancelled: false, value }
  if (!scope.cancelled) {
    const outer = scope.parent
    if (outer !== null) for (const t of scope.tasks) if (!t.finished) outer.tasks.add(t)
    scope.tasks.clear()
    markClosed(s, scope)
    return Transfer(k, closedWith(result, thrown))
  }
  return new ScopeDrain(s, task, scope, result, thrown).begin(k)
}

/** The own cancellation was never delivered (the body ended first): it is void now. */
function dropPending(task: Task<unknown>, own: unknown): void {
  const pending = task.pending
  if (pending === null) return
  const left = pending.filter((p) => p.error !== own)
  task.pending = left.length === 0 ? null : left
}

function closedWith(
  result: ScopeResult<unknown>,
  thrown: { readonly error: unknown } | null,
): Closed {
  return thrown === null ? { threw: false, result } : { threw: true, error: thrown.error }
}

/** The scope is closed: tasks waiting in `cancel(scope)` go on. */
function markClosed(s: SchedulerPort, scope: CancelScope): void {
  scope.closed = true
  const waiters = scope.closeWaiters
  scope.closeWaiters = null
  if (waiters !== null) for (const waiter of waiters) s.makeReady(waiter, RESUME_VALUE, undefined)
}

/**
 * A cancelled scope's close: cancels the unfinished tasks of the scope and waits until they
 * have finished their `finally` blocks. A task that fails in its cleanup is not lost: its
 * error is thrown from `cancelScope` (several in an `AggregateError`), or attached as
 * `suppressed` to an error the body threw.
 */
class ScopeDrain implements Join, Blocker {
  readonly draining = true
  readonly defersInterrupts = true
  readonly #links: { readonly input: Task<unknown>; readonly link: JoinLink }[] = []
  readonly #failures: unknown[] = []
  #left = 0
  #done = false

  constructor(
    readonly scheduler: SchedulerPort,
    readonly task: Task<unknown>,
    readonly scope: CancelScope,
    readonly result: ScopeResult<unknown>,
    readonly thrown: { readonly error: unknown } | null,
  ) {}

  begin(k: Continuation<unknown>): unknown {
    const s = this.scheduler
    const open = [...this.scope.tasks].filter((t) => !t.finished)
    this.scope.tasks.clear()
    for (const t of open) {
      s.cancelTask(t)
      if (t.finished) continue
      const link: JoinLink = { join: this, index: this.#links.length }
      this.#links.push({ input: t, link })
      addLink(t, link)
      this.#left++
    }
    if (this.#left === 0) {
      this.#done = true
      markClosed(s, this.scope)
      return Transfer(k, this.#outcome())
    }
    s.suspend(this.task, k, this)
    return s.decide()
  }

  settled(): void {
    if (this.#done || --this.#left > 0) return
    this.#done = true
    markClosed(this.scheduler, this.scope)
    this.scheduler.makeReady(this.task, RESUME_VALUE, this.#outcome())
  }

  absorb(error: unknown): boolean {
    this.#failures.push(error)
    return true
  }

  detach(): void {
    this.#done = true
    for (const { input, link } of this.#links) removeLink(input, link)
  }

  describe(): string {
    const open = this.#links.map(({ input }) => input).filter((t) => !t.finished)
    return `waits for the tasks its cancelled ${this.scope} cancelled to finish: ${open.map(String).join(", ")}`
  }

  #outcome(): Closed {
    const failures = this.#failures
    if (this.thrown !== null) {
      for (const failure of failures) attachSuppressed(this.thrown.error, failure)
      return { threw: true, error: this.thrown.error }
    }
    if (failures.length === 0) return { threw: false, result: this.result }
    if (failures.length === 1) return { threw: true, error: failures[0] }
    return {
      threw: true,
      error: new AggregateError(
        failures,
        `${failures.length} tasks of the cancelled ${this.scope} failed in their cleanup`,
      ),
    }
  }
}
