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

/**
 * Ready tasks in an array; subclasses choose one by index. The chosen entry is replaced by
 * the last one (O(1)), so the order is not FIFO but it is a function of the choices made,
 * which is all determinism needs. Entries of tasks finalized while queued are dropped when
 * chosen (and the choice is made again), which keeps a random choice uniform among the
 * runnable tasks.
 */
abstract class ChoiceList implements ReadyTasks {
  readonly log: number[] = []
  protected readonly items: Task<unknown>[] = []

  push(task: Task<unknown>): void {
    this.items.push(task)
    this.added(task, this.items.length - 1)
  }

  pop(): Task<unknown> | undefined {
    const items = this.items
    for (;;) {
      if (items.length === 0) return undefined
      const at = this.choose()
      if (at < 0) return undefined
      const task = items[at]!
      const last = items.pop()!
      if (at < items.length) {
        items[at] = last
        this.moved(last, at)
      }
      this.removed(task)
      if (task.runnable) {
        this.log.push(task.id)
        return task
      }
    }
  }

  /** The index of the chosen entry among `items` (at least one); -1 when none is runnable. */
  protected abstract choose(): number
  protected added(_task: Task<unknown>, _at: number): void {}
  protected moved(_task: Task<unknown>, _at: number): void {}
  protected removed(_task: Task<unknown>): void {}
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
  /** Where each queued task is in `items`, by id. */
  readonly #at = new Map<number, number>()
  #next = 0
  #diverged = false

  constructor(
    readonly replay: readonly number[],
    readonly onDivergence: (error: ReplayDivergenceError) => void,
  ) {
    super()
  }

  protected override added(task: Task<unknown>, at: number): void {
    this.#at.set(task.id, at)
  }
  protected override moved(task: Task<unknown>, at: number): void {
    this.#at.set(task.id, at)
  }
  protected override removed(task: Task<unknown>): void {
    this.#at.delete(task.id)
  }

  protected choose(): number {
    // After a divergence the run is being torn down: any fixed order will do.
    if (this.#diverged) return 0
    const index = this.#next
    const expected = index < this.replay.length ? this.replay[index] : undefined
    const at = expected === undefined ? undefined : this.#at.get(expected)
    if (at !== undefined && this.items[at]!.runnable) {
      this.#next++
      return at
    }
    const ready = this.items.filter((task) => task.runnable).map((task) => task.id)
    if (ready.length === 0) {
      // Only stale entries: no decision to make (the FIFO queue skips them the same way).
      this.items.length = 0
      this.#at.clear()
      return -1
    }
    this.#next++
    this.#diverged = true
    this.onDivergence(
      new ReplayDivergenceError(
        index,
        expected,
        ready.sort((a, b) => a - b),
      ),
    )
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
  // A replay may carry the seed too (for the jitter it repeats, retry.ts): the log decides.
  if ("replay" in policy) return new ReplayChoice(policy.replay, fault)
  return new RandomChoice(policy.random)
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
export function choiceLog(ready: ReadyTasks): readonly number[] | null {
  // A journaled run's queue wraps the policy's (journaled.ts).
  const queue = "inner" in ready ? (ready.inner as ReadyTasks) : ready
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
