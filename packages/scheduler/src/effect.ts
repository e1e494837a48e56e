import { type Continuation, Effect } from "@effvm/vm-core"
import { markStepped, performLiveOnRerun } from "@effvm/vm-core/internal"
import type { SchedulerPort } from "./port.js"
import type { Task } from "./task.js"

/**
 * Base of the scheduler's own effects: what `spawn`, `wait`, `gather`, `sleep` and every
 * other scheduler operation performs, and what `scheduled(...)` answers. Each effect
 * applies itself to the scheduler run that handles it (double dispatch), so every operation
 * lives beside its effect class. In a program's type, `SchedulerEffect<R, E>` is an
 * operation answering `R` that also runs programs performing `E` as tasks (which the
 * handlers in scope at the spawn answer): `yield*` of it adds `SchedulerEffect<R>`
 * and `E` to the caller's effects.
 *
 * @example
 * ```ts
 * const nap: SchedulerEffect<void> = sleep(10)
 * const p = program(function* () { yield* nap }) // Program<void, SchedulerEffect<void>>
 * run(scheduled(p)) // scheduled answers it
 * ```
 */
export abstract class SchedulerEffect<R, E extends Effect<unknown> = never> extends Effect<R> {
  declare protected readonly effectIdentity: unknown
  /** @hidden phantom: a scheduler effect, and the effects of the programs it runs as tasks. */
  declare readonly effvmPerforms: SchedulerEffect<R> | E
  /** What the unhandled-effect message suggests. */
  static readonly unhandledHint =
    "The scheduler answers it: wrap the program in scheduled(...), e.g. run(scheduled(main))."

  /**
   * @internal Whether the effect is a suspension point: an interruption waiting to be
   * delivered (a cancellation that arrived during a drain) is thrown here instead.
   */
  get suspends(): boolean {
    return true
  }

  /**
   * @internal answers the effect performed by `task` (the running task) at `k`; returns
   * the handler's control.
   */
  abstract apply(scheduler: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown
}
// The scheduler switches tasks at its effects: they always take the machine's step.
markStepped(SchedulerEffect)

// A multi-shot handler's re-run spawns, waits and sleeps for real: its tasks are its own.
performLiveOnRerun(SchedulerEffect)
