import {
  type Continuation,
  type EffectsOf,
  fn,
  Interrupt,
  type Program,
  type ProgramGenerator,
  Transfer,
  type Yielded,
} from "@effvm/vm-core"
import { markUntraced } from "@effvm/vm-core/internal"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import type { SchedulerPort } from "./port.js"
import { type Closed, closeScope, type ScopeResult } from "./scope-close.js"
import { CancelScope, type Task } from "./task.js"

/**
 * Thrown into a cancel scope's body when the scope is cancelled; `cancelScope` catches its
 * own and evaluates to `{ cancelled: true }`. An `Interrupt`: never enriched, not caught by
 * `attempt`. An enclosing scope's cancellation passes through inner scopes unchanged.
 *
 * @example
 * ```ts
 * yield* cancelScope(function* (scope) {
 *   try {
 *     yield* sleep(1_000)
 *   } catch (error) {
 *     if (error instanceof ScopeCancelledError) console.log(`${error.scopeId} cancelled`)
 *     throw error
 *   }
 * })
 * ```
 */
export class ScopeCancelledError extends Interrupt {
  /** The id of the cancelled scope. */
  readonly scopeId: number

  constructor(scope: CancelScope) {
    super(`${String(scope).replace(/^c/, "C")} was cancelled.`)
    this.scopeId = scope.id
  }
}

/**
 * A cancel scope's body: a generator function that receives the scope's handle.
 *
 * @example
 * ```ts
 * const body: ScopeBody<number> = function* (scope) {
 *   yield* spawn(worker())
 *   return 42
 * }
 * const result = yield* cancelScope(body)
 * ```
 */
export type ScopeBody<T, E = Yielded> = (scope: CancelScope) => ProgramGenerator<T, E>

const scopeIds = new WeakMap<object, number>()

/** Opens a scope in the current task (the innermost from now on). */
class OpenScope extends SchedulerEffect<CancelScope> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return "cancelScope(open)"
  }

  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    const id = (scopeIds.get(s) ?? 0) + 1
    scopeIds.set(s, id)
    const scope = new CancelScope(s, id, task, task.scope)
    task.scope = scope
    return Transfer(k, scope)
  }
}

/** The body ended: close the scope (waiting for the tasks it cancelled) and say how it went. */
class CloseScope extends SchedulerEffect<Closed> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `cancelScope(close ${this.scope})`
  }

  constructor(
    readonly scope: CancelScope,
    readonly ok: boolean,
    readonly value: unknown,
    readonly late: readonly unknown[] | null,
  ) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    return closeScope(s, task, k, this.scope, this.ok, this.value, this.late)
  }
}

markUntraced(OpenScope)
markUntraced(CloseScope)

const bodies = new WeakMap<ScopeBody<unknown>, (scope: CancelScope) => Program<unknown>>()

/** One program factory per body function (its definition site is captured once). */
function bodyProgram(body: ScopeBody<unknown>, scope: CancelScope): Program<unknown> {
  let make = bodies.get(body)
  if (make === undefined) {
    make = fn(body)
    bodies.set(body, make)
  }
  return make(scope)
}

const runCancelScope = fn(function* cancelScope(
  body: ScopeBody<unknown>,
): Generator<Yielded, ScopeResult<unknown>, unknown> {
  const scope = yield* new OpenScope()
  let ok = true
  let value: unknown
  try {
    value = yield* bodyProgram(body, scope)
  } catch (error) {
    ok = false
    value = error
  }
  // An interruption may land on the close itself (after a preemption): it is taken into
  // account, and the close is asked again.
  let late: unknown[] | null = null
  let closed: Closed
  for (;;) {
    try {
      closed = yield* new CloseScope(scope, ok, value, late)
      break
    } catch (error) {
      if (late === null) late = [error]
      else late.push(error)
    }
  }
  if (closed.threw) throw closed.error
  return closed.result
})

/**
 * Runs `body` in a new cancel scope of the current task. `cancel(scope)` (from the body,
 * or from any task holding the handle) cancels the body (a `ScopeCancelledError` is
 * thrown into it at its suspension) and every task spawned inside it; once the body has
 * ended and those tasks have finished their `finally` blocks, `cancelScope` evaluates to
 * `{ cancelled: true }`. A body that ends without being cancelled gives `{ cancelled:
 * false, value }` and leaves the tasks it spawned running, as children of the task. Scopes
 * nest: cancelling an outer scope cancels the inner ones, and its error passes through
 * them to the scope that was cancelled. Other errors of the body propagate.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const result = yield* cancelScope(function* (scope) {
 *     yield* spawn(program(function* deadline() {
 *       yield* sleep(1_000)
 *       yield* cancel(scope)
 *     }))
 *     return yield* slowWork()
 *   })
 *   return result.cancelled ? "timed out" : result.value
 * })
 * ```
 */
export function cancelScope<T, Y = never>(
  body: ScopeBody<T, Y>,
): Program<ScopeResult<T>, EffectsOf<Y> | SchedulerEffect<unknown>> {
  if (typeof body !== "function") {
    throw new TypeError(
      `cancelScope() expects a generator function (function* (scope) { … }), got ${describeInput(body)}`,
    )
  }
  return runCancelScope(body as ScopeBody<unknown>) as Program<
    ScopeResult<T>,
    EffectsOf<Y> | SchedulerEffect<unknown>
  >
}
