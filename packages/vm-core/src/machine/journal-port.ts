import type { HandlerDef } from "../handler-def.js"
import { type Frame, promptOf } from "./frames.js"

/**
 * What a journaled run (`@effvm/durable`) plugs into the machine and the scheduler: each
 * place where something from outside enters the run asks the port, which records it (and
 * hands it to a sink) or answers it from a stored journal. A run without a port (every run
 * but `record`, `replay` and `durable`) pays one null check where the machine parks on a
 * promise, and nothing elsewhere: the scheduler asks for the port once, when it starts.
 */
export interface JournalPort {
  /**
   * The innermost handler outside the journaled region (the `handlers` option's last), or
   * null when every handler belongs to the program: effects performed by frames under its
   * prompt come from the program; those performed by outside handlers' own code do not.
   */
  readonly boundary: HandlerDef | null
  /** True while stored entries remain to be replayed; false once the run is live. */
  readonly replaying: boolean
  /**
   * The machine parks on `promise` for a frame of the program: the settlement to deliver
   * now (replayed), or a promise that settles as `promise` does once the settlement has
   * been recorded.
   */
  external(promise: PromiseLike<unknown>): Settlement | PromiseLike<unknown>
  /** A reading of a real clock: recorded (`read()`), or the stored reading. */
  clock(read: () => number): number
  /** A scheduling decision chose task `taskId`: recorded, or checked against the journal. */
  choice(taskId: number): void
  /**
   * A task's JS promise settled (recorded at the point the scheduler takes it in). Returns
   * what the task receives: the same outcome, or a `TypeError` when the value cannot be
   * journaled.
   */
  settled(taskId: number, ok: boolean, value: unknown): Settlement
  /** Replaying: the next stored settlement if the journal's next entry is one, else null. */
  nextSettled(): { readonly taskId: number; readonly ok: boolean; readonly value: unknown } | null
  /** The error for a replay that no longer fits the journal's next entry (`actual`: what happened). */
  divergence(actual: string): Error
}

/** An outcome delivered at once by a replaying port. */
export class Settlement {
  constructor(
    readonly ok: boolean,
    readonly value: unknown,
  ) {}
}

/** Whether frame `f` belongs to the region `port` journals. */
export function insideRegion(port: JournalPort, f: Frame | null): boolean {
  const boundary = port.boundary
  if (boundary === null) return true
  for (let p = promptOf(f); p !== null; p = p.prompt) if (p.handler === boundary) return true
  return false
}
