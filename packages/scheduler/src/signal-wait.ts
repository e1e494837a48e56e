import { type Continuation, Transfer } from "@effvm/vm-core"
import type { WaitSignal } from "@effvm/vm-core/internal"
import type { SchedulerPort } from "./port.js"
import type { Task } from "./task.js"
import { RESUME_VALUE } from "./task-state.js"
import type { Blocker } from "./wait-types.js"

/** A task waiting for a vm-core `Signal` (a `lazy` reader value another task computes). */
class SignalWait implements Blocker {
  detached = false
  readonly defersInterrupts = false

  constructor(
    readonly effect: WaitSignal,
    readonly task: Task<unknown>,
  ) {}

  detach(): void {
    this.detached = true
  }

  describe(): string {
    return `waits for ${this.effect.what}`
  }
}

/** Answers `WaitSignal`: at once if the signal fired, else the task blocks until it does. */
export function waitSignal(
  s: SchedulerPort,
  task: Task<unknown>,
  effect: WaitSignal,
  k: Continuation<unknown>,
): unknown {
  // An interruption waiting for this task's next suspension is delivered here.
  if (task.pending !== null) return s.throwPending(task, k)
  if (effect.signal.fired) return Transfer(k, undefined)
  const wait = new SignalWait(effect, task)
  effect.signal.listen(() => {
    if (wait.detached) return
    wait.detached = true
    s.makeReady(wait.task, RESUME_VALUE, undefined)
  })
  return s.block(task, k, wait)
}
