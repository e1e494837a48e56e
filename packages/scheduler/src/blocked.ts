import { recordOrigin } from "@effvm/vm-core/internal"
import { type BlockedTask, SchedulerDeadlockError } from "./errors.js"
import type { Task } from "./task.js"
import { S_BLOCKED, S_ENDING } from "./task-state.js"

/** What every unfinished task waits on, for a deadlock report (in id order). */
export function describeBlocked(
  live: ReadonlySet<Task<unknown>>,
  root: Task<unknown>,
): BlockedTask[] {
  const out: BlockedTask[] = []
  for (const task of live) {
    let waitsOn: string
    if (task.state === S_BLOCKED) waitsOn = task.blocker!.describe()
    else if (task.state === S_ENDING) {
      const children = [...(task === root ? live : (task.children ?? []))].filter((c) => c !== task)
      waitsOn = `has ended and waits for ${children.map(String).join(", ")} to finish`
    } else waitsOn = `is ${task.status}`
    out.push({ taskId: task.id, name: task.name, waitsOn })
  }
  return out
}

/**
 * The deadlock error, raised where the root task waits: its traceback shows the root's
 * frames and what it was waiting on (the message lists every blocked task).
 */
export function deadlockError(
  live: ReadonlySet<Task<unknown>>,
  root: Task<unknown>,
): SchedulerDeadlockError {
  return atRootWait(root, new SchedulerDeadlockError(describeBlocked(live, root)))
}

/**
 * Every task waits, on JS promises (`external`) or the real clock, but the machine could
 * not park (a synchronous run): the error the run fails with, `cause` the machine's own.
 */
export function cannotWaitError(root: Task<unknown>, external: boolean, cause: unknown): Error {
  // One sentence: the machine's own reason stays readable as the cause.
  const message = external
    ? "Every task waits on a JS promise (awaitPromise), but this run is synchronous (run, runOutcome) and cannot wait: use runAsync() to run programs that wait on promises."
    : "Every task waits on the real clock (sleep with realClock), but this run is synchronous (run, runOutcome) and cannot wait: use runAsync(), or for sleeps under run() scheduled(body, { clock: new VirtualClock() })."
  return atRootWait(root, new Error(message, { cause }))
}

/** Records `error` as raised where the root task waits (errors of the run as a whole). */
function atRootWait<E>(root: Task<unknown>, error: E): E {
  const k = root.k
  if (k !== null) recordOrigin(error, k.top, { effect: k.effect, k, last: "threw" })
  return error
}
