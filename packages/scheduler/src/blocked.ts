import type { BlockedTask } from "./errors.js"
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
