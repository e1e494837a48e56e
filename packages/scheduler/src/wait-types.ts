/**
 * The shapes shared by everything a task can wait on and everything that waits: a
 * `Waitable` (a task or a scheduler promise) settles once; a `Join` (wait, gather, race,
 * cancel) registers a `JoinLink` on each input it waits for; a `Blocker` is what a blocked
 * task waits on, so it can be interrupted and described.
 */

/** What a blocked task waits on. */
export interface Blocker {
  /** For deadlock reports, e.g. `waits on task 3 "worker"`. */
  describe(): string
  /** Stops waiting and undoes every registration: the task is being interrupted. */
  detach(): void
  /**
   * True while an interruption must wait until the blocker finishes: a gather or race
   * waiting for the tasks it cancelled to finish their `finally` blocks.
   */
  readonly defersInterrupts: boolean
}

/** A task or a scheduler promise: it settles once, with a value or an error. */
export interface Waitable {
  readonly finished: boolean
  /** Valid once finished. A cancelled task settles with its `TaskCancelledError`. */
  readonly settledOk: boolean
  readonly settledValue: unknown
  /** The joins waiting on it; cleared when it settles. */
  joins: JoinLink[] | null
  /** Set once its failure crossed into a waiting task with enrichment (once only). */
  crossed: boolean
  describe(): string
}

/** Something that waits on inputs and is told when each settles. */
export interface Join {
  /** A draining join waits for inputs to finish, no longer for their results. */
  readonly draining: boolean
  settled(input: Waitable, index: number): void
  /**
   * A draining join may take on the failure of an input it cancelled, attaching it to the
   * error it is about to throw. True when it did (the failure is then observed).
   */
  absorb?(error: unknown): boolean
}

/** One join's registration on one input, at position `index` of the join's inputs. */
export interface JoinLink {
  readonly join: Join
  readonly index: number
}

/** Registers `link` on `input`. */
export function addLink(input: Waitable, link: JoinLink): void {
  if (input.joins === null) input.joins = [link]
  else input.joins.push(link)
}

/** Removes `link` from `input` (a no-op once the input settled). */
export function removeLink(input: Waitable, link: JoinLink): void {
  const joins = input.joins
  if (joins === null) return
  const at = joins.indexOf(link)
  if (at >= 0) joins.splice(at, 1)
}

/** Whether a draining join took on `error`, the failure of an input it cancelled. */
export function isAbsorbed(input: Waitable, error: unknown): boolean {
  const joins = input.joins
  if (joins === null) return false
  for (let i = 0; i < joins.length; i++) {
    const join = joins[i]!.join
    if (join.draining && join.absorb?.(error)) return true
  }
  return false
}

/** Whether some join still waits for `input`'s result (not merely for it to finish). */
export function isAwaited(input: Waitable): boolean {
  const joins = input.joins
  if (joins === null) return false
  for (let i = 0; i < joins.length; i++) if (!joins[i]!.join.draining) return true
  return false
}

/**
 * Something handed to a waiting task that must go back if the task is interrupted before
 * it runs with it: a semaphore's permit, a channel's value. It knows its own scheduler run.
 */
export interface HeldGrant {
  handBack(): boolean
  /** The task ran holding it: the grant is delivered (a channel's value). */
  consumed?(): void
}
