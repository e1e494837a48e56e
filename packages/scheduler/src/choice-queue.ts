import type { Continuation } from "@effvm/vm-core"
import { setChoiceLog, wantsChoices } from "@effvm/vm-core/internal"
import { type PolicyOptions, seededRandom } from "./policy.js"
import { ReadyQueue } from "./queues.js"
import { ReplayDivergenceError } from "./replay-error.js"
import type { Task } from "./task.js"

/**
 * The ready queue under each policy. `"fifo"` without recording is the plain `ReadyQueue`
 * (nothing added to the default path); recording and the other policies wrap the choice
 * so that every decision (one `pop` that returns a task) appends the chosen id to the log.
 */
export interface ReadyTasks {
  push(task: Task<unknown>): void
  /** Chooses the next task to run (one scheduling decision), or `undefined` when none is ready. */
  pop(): Task<unknown> | undefined
}

/** FIFO by priority, with each decision recorded. */
class RecordingFifo extends ReadyQueue<Task<unknown>> {
  readonly log: number[] = []

  override pop(): Task<unknown> | undefined {
    const task = super.pop()
    if (task !== undefined) this.log.push(task.id)
    return task
  }
}

/** Ready tasks in arrival order; subclasses choose one by index. */
abstract class ChoiceList implements ReadyTasks {
  readonly log: number[] = []
  protected readonly items: Task<unknown>[] = []

  push(task: Task<unknown>): void {
    this.items.push(task)
  }

  pop(): Task<unknown> | undefined {
    this.dropStale()
    if (this.items.length === 0) return undefined
    const at = this.choose()
    const task = this.items[at]
    if (task === undefined) return undefined
    this.items.splice(at, 1)
    this.log.push(task.id)
    return task
  }

  /** The index of the chosen task among `items` (all runnable, at least one). */
  protected abstract choose(): number

  /** Entries of tasks finalized while queued are skipped, as in the FIFO queue. */
  protected dropStale(): void {
    const items = this.items
    let kept = 0
    for (let i = 0; i < items.length; i++) if (items[i]!.runnable) items[kept++] = items[i]!
    items.length = kept
  }
}

/** `{ random: seed }`: uniformly among the ready tasks, whatever their priority. */
class RandomChoice extends ChoiceList {
  readonly #random: () => number

  constructor(seed: number) {
    super()
    this.#random = seededRandom(seed)
  }

  protected choose(): number {
    return Math.floor(this.#random() * this.items.length)
  }
}

/** `{ replay: log }`: the task the log names; divergence faults the run. */
class ReplayChoice extends ChoiceList {
  #next = 0
  #diverged = false

  constructor(
    readonly replay: readonly number[],
    readonly onDivergence: (error: ReplayDivergenceError) => void,
  ) {
    super()
  }

  protected choose(): number {
    // After a divergence the run is being torn down: cleanup runs in arrival order.
    if (this.#diverged) return 0
    const index = this.#next++
    const expected = index < this.replay.length ? this.replay[index] : undefined
    const at = this.items.findIndex((task) => task.id === expected)
    if (at >= 0) return at
    this.#diverged = true
    this.onDivergence(
      new ReplayDivergenceError(
        index,
        expected,
        this.items.map((task) => task.id),
      ),
    )
    // The fault cancelled every task (some became ready): choose again among them.
    this.dropStale()
    return 0
  }
}

/** The ready queue for `options.policy`; `fault` fails the run (replay divergence). */
export function readyQueueFor(
  options: PolicyOptions | undefined,
  fault: (error: unknown) => void,
): ReadyTasks {
  const policy = options?.policy
  if (policy === undefined || policy === "fifo") {
    return options?.onChoices === undefined ? new ReadyQueue<Task<unknown>>() : new RecordingFifo()
  }
  if ("random" in policy) return new RandomChoice(policy.random)
  return new ReplayChoice(policy.replay, fault)
}

/**
 * At the root task's start: records the choices when the run asked for them (runOutcome),
 * and shows the log to the machine. Returns the queue to use from now on.
 */
export function startRecording(queue: ReadyTasks, k: Continuation<unknown>): ReadyTasks {
  let ready = queue
  if (!(ready instanceof RecordingFifo || ready instanceof ChoiceList) && wantsChoices(k))
    ready = new RecordingFifo()
  const log = choiceLog(ready)
  if (log !== null) setChoiceLog(k, log)
  return ready
}

/** The recorded choices of `queue`, or null when it does not record. */
export function choiceLog(queue: ReadyTasks): readonly number[] | null {
  return queue instanceof RecordingFifo || queue instanceof ChoiceList ? queue.log : null
}

/**
 * The scheduler ended: gives the log to `onChoices`, once. Returns what `onChoices` threw
 * (the run then fails with it), else null.
 */
export function reportChoices(
  queue: ReadyTasks,
  options: PolicyOptions | undefined,
): { readonly error: unknown } | null {
  const onChoices = options?.onChoices
  if (onChoices === undefined) return null
  try {
    onChoices(choiceLog(queue) ?? [])
  } catch (error) {
    return { error }
  }
  return null
}
