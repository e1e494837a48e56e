/**
 * What a scheduler run is doing now. A run only moves forward through the phases, in this
 * order: when two reasons to end meet, the later phase wins (a fault during a stop fails
 * the run with the fault; a stop after the root ended ends the run stopped).
 */
export type Phase =
  /** The root task's body runs; a task spawned starts. */
  | "running"
  /** The root's body ended: every other task is cancelled, a task spawned now never starts. */
  | "ending"
  /** A stop is delivered to every task; a task spawned now never starts; the run ends stopped. */
  | "stopping"
  /**
   * The run cannot go on (a deadlock, a watchdog, an interruption escaping a task): every
   * task was cancelled, and the run fails with the fault.
   */
  | "faulted"
  /** The exit is decided: the scheduler leaves the machine. */
  | "ended"
  /** An outer handler abandoned the region: only the held tasks' cleanup runs. */
  | "abandoned"

const rank: Readonly<Record<Phase, number>> = {
  running: 0,
  ending: 1,
  stopping: 2,
  faulted: 3,
  ended: 4,
  abandoned: 5,
}

/** The phase after `phase` when `next` happens: `next`, unless `phase` is already later. */
export function advance(phase: Phase, next: Phase): Phase {
  return rank[next] > rank[phase] ? next : phase
}
