import { type Continuation, Effect } from "@effvm/vm-core"
import { performLiveOnRerun } from "@effvm/vm-core/internal"
import type { Scheduler } from "./scheduler.js"

/**
 * Base of the scheduler's own effects. Each effect applies itself to the scheduler run
 * that handles it (double dispatch), so every operation lives beside its effect class.
 */
export abstract class SchedulerEffect<R> extends Effect<R> {
  /**
   * @internal Whether the effect is a suspension point: an interruption waiting to be
   * delivered (a cancellation that arrived during a drain) is thrown here instead.
   */
  get suspends(): boolean {
    return true
  }

  /** @internal answers the effect for the current task; returns the handler's control. */
  abstract apply(scheduler: Scheduler, k: Continuation<unknown>): unknown
}

// A multi-shot handler's re-run spawns, waits and sleeps for real: its tasks are its own.
performLiveOnRerun(SchedulerEffect)
