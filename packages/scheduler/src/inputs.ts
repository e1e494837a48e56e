import { type Continuation, Program } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import type { SchedulerPort } from "./port.js"
import { SchedulerPromise } from "./promise.js"
import type { SpawnSite } from "./site.js"
import { Task } from "./task.js"
import type { Waitable } from "./wait-types.js"

/**
 * What `gather`, `gatherSettled` and `race` accept: tasks, scheduler promises, and
 * programs (spawned as children of the caller).
 *
 * @example
 * ```ts
 * const inputs: Joinable<string>[] = [yield* spawn(fetchPage("a")), fetchPage("b")]
 * const pages = yield* gather(...inputs)
 * ```
 */
export type Joinable<T = unknown> = Task<T> | SchedulerPromise<T> | Program<T>

/**
 * The result type of a joinable: a task's, a promise's or a program's value.
 *
 * @example
 * ```ts
 * type Page = ResultOf<Task<string>> // string
 * ```
 */
export type ResultOf<J> =
  J extends Task<infer T>
    ? T
    : J extends SchedulerPromise<infer T>
      ? T
      : J extends Program<infer T>
        ? T
        : never

/**
 * The effects of the programs among joinables (tasks and promises perform none where they
 * are joined): what `gather`, `race` and the other joins carry into the caller's effects,
 * since the programs run as tasks under the handlers in scope at the join.
 *
 * @example
 * ```ts
 * type E = JoinEffects<[Program<number, Ask<string>>, Task<string>]> // Ask<string>
 * ```
 */
export type JoinEffects<J extends readonly unknown[]> = J[number] extends infer X
  ? X extends Program<unknown, infer E>
    ? E
    : never
  : never

/** Throws a TypeError for an argument that is neither a task, a promise nor (if allowed) a program. */
export function checkJoinable(value: unknown, op: string, programs: boolean): void {
  if (value instanceof Task || value instanceof SchedulerPromise) return
  if (programs && value instanceof Program) return
  const accepted = programs
    ? "tasks (from spawn), promises (from createPromise) or programs"
    : "a task (from spawn) or a promise (from createPromise)"
  throw new TypeError(`${op}() expects ${accepted}, got ${describeInput(value)}`)
}

/** What is wrong with the running `task` waiting on `input` in `s`, or null. */
export function waitProblem(
  s: SchedulerPort,
  task: Task<unknown>,
  input: Task<unknown> | SchedulerPromise<unknown>,
  op: string,
): TypeError | null {
  if (input.owner !== s)
    return new TypeError(`${op}(${input}): it belongs to another scheduler run.`)
  if (input === task) return new TypeError(`${op}(${input}): a task cannot wait for itself.`)
  return null
}

/**
 * Turns the arguments of a join into its inputs: programs are spawned as children of the
 * running `task` (after every argument was checked, so a bad one spawns nothing).
 */
export function joinInputs(
  s: SchedulerPort,
  task: Task<unknown>,
  items: readonly Joinable[],
  op: string,
  site: SpawnSite | null,
  k: Continuation<unknown>,
): Waitable[] | TypeError {
  for (const item of items) {
    if (item instanceof Program) continue
    const problem = waitProblem(s, task, item, op)
    if (problem !== null) return problem
  }
  const inputs: Waitable[] = new Array<Waitable>(items.length)
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    inputs[i] = item instanceof Program ? s.spawnTask(task, item, undefined, site!, k) : item
  }
  return inputs
}

/** `3 items`, as messages count the inputs of a join. */
export function countOf(items: readonly unknown[]): string {
  return `${items.length} ${items.length === 1 ? "item" : "items"}`
}
