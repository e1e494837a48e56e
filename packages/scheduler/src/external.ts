import { type AwaitExternal, awaitExternal } from "@effvm/vm-core"
import type { JournalPort } from "@effvm/vm-core/internal"
import type { TaskRun } from "./lifecycle.js"
import type { Task } from "./task.js"
import { RESUME_THROW, RESUME_VALUE } from "./task-state.js"
import type { Blocker } from "./wait-types.js"
import type { WakeSignal } from "./wake.js"

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
export function awaitPromise<T>(promise: PromiseLike<T>): AwaitExternal<T> {
  if (promise === null || typeof promise !== "object" || typeof promise.then !== "function") {
    throw new TypeError(
      `awaitPromise() expects a promise (a thenable), got ${promise === null ? "null" : typeof promise}`,
    )
  }
  return awaitExternal(promise)
}

/**
 * The run's waits on JS promises. A settlement arrives from a JS callback while the
 * machine is parked; the scheduler takes it in (`takeIn`) the next time it chooses what
 * runs. Under a journal, the journal decides when a settlement is taken in.
 */
export class ExternalWaits {
  /** Settled, in settlement order, not yet made ready. */
  settled: ExternalWait[] = []
  /** Settlements that arrived while the journal was replaying, taken in once it is live. */
  held: ExternalWait[] = []
  /** Registered and not yet settled or detached. */
  open = 0
  /** The run's journal port (`@effvm/durable`), null when the run is not journaled. */
  journal: JournalPort | null = null

  constructor(readonly wake: WakeSignal) {}

  /** Parks `task` on `promise`; the settlement lands in `settled`. */
  wait(task: Task<unknown>, promise: PromiseLike<unknown>): ExternalWait {
    const wait = new ExternalWait(this, task)
    this.open++
    Promise.resolve(promise).then(
      (value) => wait.arrive(true, value),
      (error: unknown) => wait.arrive(false, error),
    )
    return wait
  }

  /** Makes the task of every settled wait ready, in settlement order. */
  takeIn(run: TaskRun): void {
    const settled = this.settled
    this.settled = []
    for (const wait of settled) {
      if (wait.detached) continue
      wait.detached = true
      this.open--
      if (this.journal !== null) {
        const taken = this.journal.settled(wait.task.id, wait.ok, wait.value)
        run.makeReady(wait.task, taken.ok ? RESUME_VALUE : RESUME_THROW, taken.value)
      } else run.makeReady(wait.task, wait.ok ? RESUME_VALUE : RESUME_THROW, wait.value)
    }
  }

  /**
   * A journaled run: while replaying, the settlements the journal holds at this point are
   * taken in (the real ones are held back); once live, the held ones are taken in. Returns
   * the journal's divergence error when it names a wait that does not exist, else null.
   */
  takeInJournaled(run: TaskRun, port: JournalPort): Error | null {
    if (port.replaying) {
      for (let next = port.nextSettled(); next !== null; next = port.nextSettled()) {
        let wait: ExternalWait | null = null
        for (const task of run.live) {
          if (task.id === next.taskId && task.blocker instanceof ExternalWait) wait = task.blocker
        }
        if (wait === null || wait.detached)
          return port.divergence(`no JS promise awaited by task ${next.taskId}`)
        wait.detached = true
        this.open--
        run.makeReady(wait.task, next.ok ? RESUME_VALUE : RESUME_THROW, next.value)
      }
      return null
    }
    if (this.held.length === 0) return null
    this.settled.push(...this.held)
    this.held = []
    this.takeIn(run)
    return null
  }
}

/** A task parked on a JS promise; the settlement lands in the run's `ExternalWaits`. */
export class ExternalWait implements Blocker {
  /** Set once the wait no longer applies: settled and drained, or interrupted. */
  detached = false
  ok = true
  value: unknown = undefined
  readonly defersInterrupts = false

  constructor(
    readonly waits: ExternalWaits,
    readonly task: Task<unknown>,
  ) {}

  /** The promise settled (a JS callback, while the machine is parked). */
  arrive(ok: boolean, value: unknown): void {
    if (this.detached) return
    this.ok = ok
    this.value = value
    // Replaying a journal: the journal says when (and with what) the wait settled.
    if (this.waits.journal?.replaying === true) {
      this.waits.held.push(this)
      return
    }
    this.waits.settled.push(this)
    this.waits.wake.fire()
  }

  detach(): void {
    if (this.detached) return
    this.detached = true
    this.waits.open--
  }

  describe(): string {
    return "awaits a JS promise"
  }
}
