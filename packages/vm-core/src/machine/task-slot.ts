/**
 * The machine's "current task" slot. A scheduler is a handler, so handlers installed
 * outside it never see its task switches; instead the scheduler writes the task it resumes
 * into this slot (one field write per switch), and any handler reads it from the `k` it
 * receives. Task-local state (`state(initial, { perTask: true })`) keys its partitions by
 * it. Outside every scheduler the slot is `null`. It is read and written through the
 * scheduler port (`currentTask`, `enterTask` in scheduler-port.ts).
 *
 * A task keeps its task-local values in `locals` (created on first use), one entry per
 * task-local key; at spawn the scheduler copies the parent's entries with each key's
 * `fork`, so a child starts from its parent's values at the moment of the spawn.
 */

/** What the slot holds: a task, seen only through its task-local values. */
export interface TaskLocalsHolder {
  locals: Map<TaskLocalKey<unknown>, unknown> | null
}

/** A kind of task-local value (one per handler instance): how a child's copy is made. */
export interface TaskLocalKey<T> {
  fork(parentValue: T): T
}

/** The locals a child starts with: a fork of each of the parent's values (or none). */
export function forkTaskLocals(
  parent: TaskLocalsHolder | null,
): Map<TaskLocalKey<unknown>, unknown> | null {
  const locals = parent?.locals
  if (locals === null || locals === undefined) return null
  const copy = new Map<TaskLocalKey<unknown>, unknown>()
  for (const [key, value] of locals) copy.set(key, key.fork(value))
  return copy
}
