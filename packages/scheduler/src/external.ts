import { awaitExternal, type Effect } from "@effvm/vm-core"
import type { Scheduler } from "./scheduler.js"
import type { Task } from "./task.js"
import type { Blocker } from "./wait-types.js"

/**
 * Waits for a JS promise, parking only the calling task: the other tasks go on, and the
 * machine itself waits only when every task does (which needs `runAsync`). A rejection is
 * thrown into the task at this perform. The scheduler always observes the promise, so no
 * rejection is ever reported as unhandled, also when the task was cancelled first.
 *
 * This is vm-core's `AwaitExternal` effect: outside a scheduler it parks the whole machine.
 *
 * @example
 * ```ts
 * const fetchUser = fn(function* fetchUser(id: number) {
 *   return yield* awaitPromise(fetch(`/users/${id}`).then((r) => r.json()))
 * })
 * await runAsync(scheduled(fetchUser(1)))
 * ```
 */
export function awaitPromise<T>(promise: PromiseLike<T>): Effect<T> {
  if (promise === null || typeof promise !== "object" || typeof promise.then !== "function") {
    throw new TypeError(
      `awaitPromise() expects a promise (a thenable), got ${promise === null ? "null" : typeof promise}`,
    )
  }
  return awaitExternal(promise)
}

/** A task parked on a JS promise; the settlement lands in the scheduler's inbox. */
export class ExternalWait implements Blocker {
  /** Set once the wait no longer applies: settled and drained, or interrupted. */
  detached = false
  ok = true
  value: unknown = undefined
  readonly defersInterrupts = false

  constructor(
    readonly scheduler: Scheduler,
    readonly task: Task<unknown>,
  ) {}

  /** The promise settled (a JS callback, while the machine is parked). */
  arrive(ok: boolean, value: unknown): void {
    if (this.detached) return
    this.ok = ok
    this.value = value
    // Replaying a journal: the journal says when (and with what) the wait settled.
    if (this.scheduler.journal?.replaying === true) {
      this.scheduler.held.push(this)
      return
    }
    this.scheduler.inbox.push(this)
    this.scheduler.wakeUp()
  }

  detach(): void {
    if (this.detached) return
    this.detached = true
    this.scheduler.pendingExternal--
  }

  describe(): string {
    return "awaits a JS promise"
  }
}
