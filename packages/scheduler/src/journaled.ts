import type { JournalPort } from "@effvm/vm-core/internal"
import type { ReadyTasks } from "./choice-queue.js"
import type { Clock } from "./clock.js"
import type { Task } from "./task.js"

/**
 * The scheduler's side of a journaled run (`@effvm/durable`): every decision goes through
 * the journal, and so does every reading of a real clock. Used only when the run has a
 * journal port; other runs never see these wrappers.
 */

/** The ready queue of a journaled run: each decision is recorded, or checked on replay. */
export class JournaledReady implements ReadyTasks {
  constructor(
    readonly inner: ReadyTasks,
    readonly port: JournalPort,
  ) {}

  push(task: Task<unknown>): void {
    this.inner.push(task)
  }

  pop(): Task<unknown> | undefined {
    const task = this.inner.pop()
    if (task !== undefined) this.port.choice(task.id)
    return task
  }
}

/**
 * A real clock read through the journal. `base` null is `realClock`, whose readings are
 * taken as wall time (`Date.now()`), so a reading means the same in another process.
 */
export function journaledClock(base: Clock | null, port: JournalPort): JournaledClock {
  const read = base === null ? Date.now : () => base.now()
  return { now: () => port.clock(read), unjournaled: read }
}

/**
 * A journaled real clock also gives its reading outside the journal, for the one use the
 * program never sees: how long to wait for the next timer. A replayed reading would put
 * that wait in the past's frame: a sleep under way at a crash would start over from the
 * resumption instead of ending at its original wake time.
 */
export interface JournaledClock extends Clock {
  unjournaled(): number
}
