import { type Continuation, handler, Transfer } from "@effvm/vm-core"
import { currentTask, type TaskLocalKey } from "@effvm/vm-core/internal"
import { answerFromOutside } from "./missing.js"
import { Get, Modify, Put, type StateHandler, type StateStore } from "./state.js"

type Partition = Map<string, unknown>

/**
 * `state(initial, { perTask: true, shared })`: keyed state with one partition per task.
 *
 * The handler is installed outside `scheduled`, so it never sees the scheduler's task
 * switches. It reads the task the machine runs now from vm-core's task slot (the scheduler
 * writes it at every switch) and keeps its partition among that task's task-local values;
 * at spawn the scheduler forks every task-local value of the parent with its key's `fork`
 * (here a shallow copy), so a child starts from its parent's values at the moment of the
 * spawn. Code outside every task (and a task that never touched the state before it
 * spawned) uses `store`, which also holds the shared keys.
 */
export function perTaskState(store: StateStore, shared: readonly string[]): StateHandler {
  const sharedKeys = new Set(shared)
  // One key per handler instance: two per-task state handlers keep separate partitions.
  const partitionKey: TaskLocalKey<Partition> = { fork: (parent) => new Map(parent) }

  function partitionFor(k: Continuation<unknown>, key: string): Partition {
    if (sharedKeys.has(key)) return store
    const task = currentTask(k)
    if (task === null) return store
    let locals = task.locals
    if (locals === null) {
      locals = new Map()
      task.locals = locals
    }
    let partition = locals.get(partitionKey as TaskLocalKey<unknown>) as Partition | undefined
    if (partition === undefined) {
      // Nothing was forked for this task: its parent had not touched the state, so it
      // starts from the values outside every task.
      partition = new Map()
      for (const [name, value] of store) if (!sharedKeys.has(name)) partition.set(name, value)
      locals.set(partitionKey as TaskLocalKey<unknown>, partition)
    }
    return partition
  }

  const def = handler(
    function perTaskState(eff: Get<unknown> | Put<unknown> | Modify<unknown>, k) {
      const key = eff.key
      const values = partitionFor(k, key)
      if (eff instanceof Get) {
        const value = values.get(key)
        if (value !== undefined || values.has(key)) return Transfer(k, value)
        return answerFromOutside(eff, k, "state", () => values.keys())
      }
      if (eff instanceof Put) {
        values.set(key, eff.value)
        return Transfer(k, undefined)
      }
      if (!values.has(key)) return answerFromOutside(eff, k, "state", () => values.keys())
      const next = eff.f(values.get(key))
      values.set(key, next)
      return Transfer(k, next)
    },
    { handles: [Get, Put, Modify], name: "state" },
  )
  return Object.assign(def, { store, snapshot: () => Object.fromEntries(store) }) as StateHandler
}
