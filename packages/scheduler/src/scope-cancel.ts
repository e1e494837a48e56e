import { type Continuation, Transfer, TransferThrow } from "@effvm/vm-core"
import { ScopeCancelledError } from "./cancel-scope.js"
import { SchedulerEffect } from "./effect.js"
import type { SchedulerPort } from "./port.js"
import type { CancelScope, Task } from "./task.js"
import { RESUME_THROW, S_ENDING } from "./task-state.js"
import type { Blocker } from "./wait-types.js"

/**
 * Cancels `scope`: every task spawned inside it (and inside the scopes open within it) is
 * cancelled, and a `ScopeCancelledError` is thrown into the scope's body at its current
 * suspension (unless an enclosing scope's cancellation is already on its way there).
 */
export function requestScopeCancel(s: SchedulerPort, scope: CancelScope): void {
  if (scope.closed || scope.cancelError !== null) return
  const owner = scope.task
  if (owner.state >= S_ENDING) {
    // The body was abandoned without closing the scope (a handler outside aborted it).
    scope.closed = true
    return
  }
  const error = new ScopeCancelledError(scope)
  scope.cancelError = error
  const alreadyInterrupted = scope.cancelledBy !== null
  for (let inner = owner.scope; inner !== null && inner !== scope; inner = inner.parent) {
    if (inner.cancelledBy === null) inner.cancelledBy = scope
    cancelAll(s, inner)
  }
  cancelAll(s, scope)
  if (!alreadyInterrupted) s.interrupt(owner, RESUME_THROW, error)
}

function cancelAll(s: SchedulerPort, scope: CancelScope): void {
  for (const task of [...scope.tasks]) s.cancelTask(task)
}

/** A task waiting in `cancel(scope)` until the scope has closed. */
class ScopeCloseWait implements Blocker {
  readonly defersInterrupts = false

  constructor(
    readonly task: Task<unknown>,
    readonly scope: CancelScope,
  ) {
    if (scope.closeWaiters === null) scope.closeWaiters = [task]
    else scope.closeWaiters.push(task)
  }

  detach(): void {
    const waiters = this.scope.closeWaiters
    if (waiters === null) return
    const at = waiters.indexOf(this.task)
    if (at >= 0) waiters.splice(at, 1)
  }

  describe(): string {
    return `waits for the cancelled ${this.scope} to close`
  }
}

/** `cancel(scope)`: cancels it and waits until it has closed. */
export class CancelScopeOp extends SchedulerEffect<void> {
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `cancel(${this.scope})`
  }

  constructor(readonly scope: CancelScope) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, self: Task<unknown>): unknown {
    const scope = this.scope
    if (scope.owner !== s) {
      return TransferThrow(
        k,
        new TypeError(`cancel(${scope}): it belongs to another scheduler run.`),
      )
    }
    if (scope.closed) return Transfer(k, undefined)
    requestScopeCancel(s, scope)
    // Cancelling a scope you are inside of: the cancellation is thrown right here.
    if (self.pending !== null) return s.throwPending(self, k)
    if (scope.closed) return Transfer(k, undefined)
    return s.block(self, k, new ScopeCloseWait(self, scope))
  }
}
