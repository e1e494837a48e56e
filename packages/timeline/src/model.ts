import type { TraceEvent } from "@effvm/vm-core"
import { describeError, type ErrorText } from "./error-text.js"

/**
 * The page's data, computed once in Node from a run's events so the browser only draws.
 * Everything is columnar (parallel arrays of numbers) and sorted by lane, then step: the
 * page reads a lane's ticks or spans as one slice and finds the visible ones by binary search.
 * Strings (names, effects, handlers, errors) live once in `strings`; columns hold indices.
 */
export interface TimelineModel {
  readonly level: "full" | "min"
  readonly events: number
  readonly strings: string[]
  /** One entry per lane, in lane order (a task's children below it, in spawn order). */
  readonly tasks: {
    readonly id: number[]
    readonly name: number[]
    /** The spawning task's id, or -1 (the root, or a task seen without its spawn). */
    readonly parent: number[]
    /** Depth in the spawn tree (0 for a root). */
    readonly depth: number[]
    readonly startStep: number[]
    readonly startTime: number[]
    /** -1 while the task had not ended when the trace ends. */
    readonly endStep: number[]
    readonly endTime: number[]
    readonly state: number[]
    /** The error's one-line description (failed tasks), else -1. */
    readonly error: number[]
    /** The error's traceback text (failed tasks), else -1. */
    readonly traceback: number[]
  }
  /** Activations: the task ran from `from` to `to` (steps; times alike). */
  readonly spans: Columns<"from" | "to" | "fromTime" | "toTime"> & { readonly offsets: number[] }
  /** Performs: `chain` indexes `chains`; `answer` is the step of the resume/transfer, or -1. */
  readonly ticks: Columns<
    "step" | "time" | "effect" | "chain" | "answer" | "answerTime" | "event"
  > & {
    readonly offsets: number[]
  }
  /** Each chain: the handlers a perform went through, as pairs [handler string, verdict]. */
  readonly chains: number[][]
  /** Task marks: `kind` is a MARK_ constant; `lane` the lane it belongs to. */
  readonly marks: Columns<"kind" | "lane" | "step" | "time">
  /** Where the clock's reading changes: at `steps[i]` it reads `times[i]`. */
  readonly clock: { readonly steps: number[]; readonly times: number[] }
  readonly range: {
    readonly stepMin: number
    readonly stepMax: number
    readonly timeMin: number
    readonly timeMax: number
  }
}

type Columns<K extends string> = { readonly [F in K]: number[] }

/** Task states, as `tasks.state` holds them. */
export const STATE_RUNNING = 0
export const STATE_DONE = 1
export const STATE_CANCELLED = 2
export const STATE_FAILED = 3
/** Effects only, no task event: the run outside any scheduler (task 0). */
export const STATE_UNTRACKED = 4

/** Mark kinds, as `marks.kind` holds them. */
export const MARK_SPAWN = 0
export const MARK_CANCEL = 1
export const MARK_DONE = 2
export const MARK_FAIL = 3
export const MARK_CANCELLED = 4

/** Handler verdicts, as a chain's pairs hold them. */
export const VERDICTS = [
  "pass",
  "delegate",
  "resume",
  "transfer",
  "resume (throws)",
  "transfer (throws)",
] as const

const TASK_KINDS = new Set(["spawn", "switch", "cancel", "done", "fail"])
const KINDS = new Set([...TASK_KINDS, "perform", "resume", "transfer", "pass", "delegate"])

interface TaskRecord {
  readonly id: number
  name: string
  readonly parent: number
  readonly order: number
  readonly startStep: number
  readonly startTime: number
  endStep: number
  endTime: number
  state: number
  /** Some task event (spawn, switch, cancel, done, fail) was about this task. */
  tracked: boolean
  error: ErrorText | null
  /** Activations, flattened: from, to, fromTime, toTime. */
  readonly spans: number[]
  /** Performs, flattened: step, time, effect, chain, answer, answerTime, event. */
  readonly ticks: number[]
  /** Indices (into `ticks` / 7) of performs not answered yet, innermost last. */
  readonly pending: number[]
  /** Handlers that delegated a pending perform (by tick index), innermost last. */
  readonly delegators: Map<number, number[]>
  readonly marks: number[]
  readonly children: TaskRecord[]
}

const TICK_FIELDS = 7

/**
 * Reads a run's events (in the order `onEvent` received them) into the page's model.
 * Throws a `TypeError` naming the event for anything that is not a trace event.
 */
export function buildModel(events: readonly TraceEvent[]): TimelineModel {
  const strings: string[] = []
  const stringIndex = new Map<string, number>()
  const intern = (s: string): number => {
    let i = stringIndex.get(s)
    if (i === undefined) {
      i = strings.length
      strings.push(s)
      stringIndex.set(s, i)
    }
    return i
  }
  const live = new Map<number, TaskRecord>()
  const all: TaskRecord[] = []
  let level: "full" | "min" = "min"
  let running: TaskRecord | null = null
  let runningSince = 0
  let runningSinceTime = 0
  const clockSteps: number[] = []
  const clockTimes: number[] = []
  let stepMin = Number.POSITIVE_INFINITY
  let stepMax = Number.NEGATIVE_INFINITY
  // A failure climbs from task to task: the same error, formatted once.
  const errorTexts = new Map<unknown, ErrorText>()
  const errorText = (error: unknown): ErrorText => {
    let text = errorTexts.get(error)
    if (text === undefined) {
      text = describeError(error)
      errorTexts.set(error, text)
    }
    return text
  }

  const taskFor = (id: number, step: number, time: number, parent: number): TaskRecord => {
    let t = live.get(id)
    if (t === undefined || (parent !== -1 && t.state !== STATE_RUNNING)) {
      // A spawn reusing an ended task's id (a nested scheduler numbers its own tasks) is a
      // new task with a lane of its own.
      t = {
        id,
        name: id === 0 ? "outside any scheduler" : `task ${id}`,
        parent,
        order: all.length,
        startStep: step,
        startTime: time,
        endStep: -1,
        endTime: -1,
        state: STATE_RUNNING,
        tracked: false,
        error: null,
        spans: [],
        ticks: [],
        pending: [],
        delegators: new Map(),
        marks: [],
        children: [],
      }
      live.set(id, t)
      all.push(t)
      const p = parent === -1 ? undefined : live.get(parent)
      if (p !== undefined && p !== t) p.children.push(t)
    }
    return t
  }
  let lastTime = 0
  // Chains are interned as they grow: chain `id` plus (handler, verdict) is one number key,
  // so a perform costs no array of its own, and equal chains share one entry.
  const chains: number[][] = [[]]
  const chainNext = new Map<number, number>()
  const extendChain = (id: number, handler: number, verdict: number): number => {
    const key = (id * 2_097_152 + handler) * 8 + verdict
    let next = chainNext.get(key)
    if (next === undefined) {
      next = chains.length
      chains.push([...chains[id]!, handler, verdict])
      chainNext.set(key, next)
    }
    return next
  }
  const closeActivation = (step: number, time: number): void => {
    if (running === null) return
    running.spans.push(runningSince, step, runningSinceTime, time)
    running = null
  }

  for (let i = 0; i < events.length; i++) {
    const e = checkEvent(events, i)
    const { kind, step, taskId, time } = e
    const previousTime = i === 0 ? time : lastTime
    lastTime = time
    if (step < stepMin) stepMin = step
    if (step > stepMax) stepMax = step
    if (clockTimes.length === 0 || clockTimes[clockTimes.length - 1] !== time) {
      clockSteps.push(step)
      clockTimes.push(time)
    }
    if (kind === "spawn") {
      const parent = typeof e.parentId === "number" ? e.parentId : -1
      // The spawner may not have shown up yet (the root task under "min" has no event of
      // its own before its first spawn): give it its lane first, above its children.
      if (parent !== -1 && !live.has(parent)) taskFor(parent, step, time, -1)
      const spawner = live.get(parent)
      if (running === null && spawner !== undefined) {
        running = spawner
        runningSince = step
        runningSinceTime = time
      }
      const t = taskFor(taskId, step, time, parent)
      if (typeof e.name === "string") t.name = e.name
      t.marks.push(MARK_SPAWN, step, time)
      t.tracked = true
      continue
    }
    const t = taskFor(taskId, step, time, -1)
    if (typeof e.name === "string" && t.name === `task ${taskId}`) t.name = e.name
    if (TASK_KINDS.has(kind)) t.tracked = true
    if (running === null && kind !== "done" && kind !== "fail" && kind !== "cancel") {
      running = t
      runningSince = step
      runningSinceTime = time
    }
    switch (kind) {
      case "switch":
        if (running !== t) {
          // On the clock, the activation ended at the previous event: a virtual clock that
          // jumped before this switch jumped while every task waited.
          closeActivation(step, previousTime)
          running = t
          runningSince = step
          runningSinceTime = time
        }
        break
      case "cancel":
        t.marks.push(MARK_CANCEL, step, time)
        break
      case "done":
      case "fail":
        if (running === t) closeActivation(step, time)
        t.endStep = step
        t.endTime = time
        if (kind === "fail") {
          t.state = STATE_FAILED
          t.error = errorText(e.error)
          t.marks.push(MARK_FAIL, step, time)
        } else if (e.cancelled === true) {
          t.state = STATE_CANCELLED
          t.marks.push(MARK_CANCELLED, step, time)
        } else {
          t.state = STATE_DONE
          t.marks.push(MARK_DONE, step, time)
        }
        break
      case "perform": {
        level = "full"
        const effect = intern(String(e.effect))
        t.pending.push(t.ticks.length / TICK_FIELDS)
        t.ticks.push(step, time, effect, 0, -1, -1, i)
        break
      }
      default: {
        level = "full"
        const effect = intern(String(e.effect))
        const at = openPerform(t, effect)
        if (at === -1) break
        const verdict = verdictOf(kind, e.throws === true)
        const handler = intern(String(e.handler ?? "(unnamed handler)"))
        t.ticks[at * TICK_FIELDS + 3] = extendChain(
          t.ticks[at * TICK_FIELDS + 3]!,
          handler,
          verdict,
        )
        if (verdict === 1) {
          // A generator handler that delegates gets the outer answer back and answers the
          // perform itself later; a fast-path one acts like a pass and never does. The outer
          // answer counts until the delegating handler answers.
          const waiting = t.delegators.get(at)
          if (waiting === undefined) t.delegators.set(at, [handler])
          else waiting.push(handler)
          break
        }
        if (verdict < 2) break
        t.ticks[at * TICK_FIELDS + 4] = step
        t.ticks[at * TICK_FIELDS + 5] = time
        const waiting = t.delegators.get(at)
        if (waiting !== undefined) {
          if (waiting[waiting.length - 1] !== handler) break
          waiting.pop()
          if (waiting.length > 0) break
          t.delegators.delete(at)
        }
        t.pending.splice(t.pending.lastIndexOf(at), 1)
      }
    }
  }
  if (running !== null) closeActivation(stepMax, clockTimes[clockTimes.length - 1] ?? 0)
  return assemble(all, level, events.length, strings, chains, intern, clockSteps, clockTimes, {
    stepMin: Number.isFinite(stepMin) ? stepMin : 0,
    stepMax: Number.isFinite(stepMax) ? stepMax : 0,
  })
}

/** The innermost unanswered perform of `effect` in task `t`, or -1. */
function openPerform(t: TaskRecord, effect: number): number {
  const { pending, ticks } = t
  for (let j = pending.length - 1; j >= 0; j--) {
    const at = pending[j]!
    if (ticks[at * TICK_FIELDS + 2] === effect) return at
  }
  return -1
}

function verdictOf(kind: string, throws: boolean): number {
  if (kind === "pass") return 0
  if (kind === "delegate") return 1
  if (kind === "resume") return throws ? 4 : 2
  return throws ? 5 : 3
}

function checkEvent(events: readonly TraceEvent[], i: number): TraceEvent {
  const e = events[i] as Partial<TraceEvent> | null | undefined
  if (
    e !== null &&
    typeof e === "object" &&
    KINDS.has(e.kind as string) &&
    isFiniteNumber(e.step) &&
    isFiniteNumber(e.taskId) &&
    isFiniteNumber(e.time)
  ) {
    return e as TraceEvent
  }
  throw badEvent(e, i)
}

/** Why event `i` is not a trace event. */
function badEvent(e: Partial<TraceEvent> | null | undefined, i: number): TypeError {
  const where = `renderTimeline(events): events[${i}]`
  if (e === null || typeof e !== "object") {
    return new TypeError(`${where} is not a trace event object, got ${preview(e)}`)
  }
  if (!KINDS.has(e.kind as string)) {
    return new TypeError(
      `${where} has kind ${preview(e.kind)}: expected one of ${[...KINDS].join(", ")} (${preview(e)})`,
    )
  }
  const field = !isFiniteNumber(e.step) ? "step" : !isFiniteNumber(e.taskId) ? "taskId" : "time"
  return new TypeError(`${where} needs a finite number in ${field}, got ${preview(e)}`)
}

function isFiniteNumber(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value)
}

function preview(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value)
  if (value === null || typeof value !== "object") return String(value)
  try {
    const text = JSON.stringify(value, (_k, v) => (v instanceof Error ? String(v) : v))
    return text.length > 120 ? `${text.slice(0, 117)}...` : text
  } catch {
    return Object.prototype.toString.call(value)
  }
}

function assemble(
  all: TaskRecord[],
  level: "full" | "min",
  events: number,
  strings: string[],
  chains: number[][],
  intern: (s: string) => number,
  clockSteps: number[],
  clockTimes: number[],
  steps: { stepMin: number; stepMax: number },
): TimelineModel {
  const lanes: TaskRecord[] = []
  const depths: number[] = []
  const visit = (t: TaskRecord, depth: number): void => {
    // An explicit stack: a spawn chain may be deeper than the JS stack.
    const stack: [TaskRecord, number][] = [[t, depth]]
    while (stack.length > 0) {
      const [task, d] = stack.pop()!
      lanes.push(task)
      depths.push(d)
      for (let c = task.children.length - 1; c >= 0; c--) stack.push([task.children[c]!, d + 1])
    }
  }
  const isChild = new Set<TaskRecord>()
  for (const t of all) for (const c of t.children) isChild.add(c)
  for (const t of all) if (!isChild.has(t)) visit(t, 0)

  const tasks = {
    id: [] as number[],
    name: [] as number[],
    parent: [] as number[],
    depth: depths,
    startStep: [] as number[],
    startTime: [] as number[],
    endStep: [] as number[],
    endTime: [] as number[],
    state: [] as number[],
    error: [] as number[],
    traceback: [] as number[],
  }
  const spans = {
    from: [] as number[],
    to: [] as number[],
    fromTime: [] as number[],
    toTime: [] as number[],
    offsets: [0],
  }
  const ticks = {
    step: [] as number[],
    time: [] as number[],
    effect: [] as number[],
    chain: [] as number[],
    answer: [] as number[],
    answerTime: [] as number[],
    event: [] as number[],
    offsets: [0],
  }
  const marks = {
    kind: [] as number[],
    lane: [] as number[],
    step: [] as number[],
    time: [] as number[],
  }
  let timeMin = clockTimes.length === 0 ? 0 : clockTimes[0]!
  let timeMax = timeMin
  for (const t of clockTimes) {
    if (t < timeMin) timeMin = t
    if (t > timeMax) timeMax = t
  }
  lanes.forEach((t, lane) => {
    tasks.id.push(t.id)
    tasks.name.push(intern(t.name))
    tasks.parent.push(t.parent)
    tasks.startStep.push(t.startStep)
    tasks.startTime.push(t.startTime)
    tasks.endStep.push(t.endStep)
    tasks.endTime.push(t.endTime)
    tasks.state.push(t.tracked ? t.state : STATE_UNTRACKED)
    tasks.error.push(t.error === null ? -1 : intern(t.error.summary))
    tasks.traceback.push(t.error === null ? -1 : intern(t.error.traceback))
    for (let s = 0; s < t.spans.length; s += 4) {
      spans.from.push(t.spans[s]!)
      spans.to.push(t.spans[s + 1]!)
      spans.fromTime.push(t.spans[s + 2]!)
      spans.toTime.push(t.spans[s + 3]!)
    }
    spans.offsets.push(spans.from.length)
    for (let k = 0; k < t.ticks.length; k += TICK_FIELDS) {
      ticks.step.push(t.ticks[k]!)
      ticks.time.push(t.ticks[k + 1]!)
      ticks.effect.push(t.ticks[k + 2]!)
      ticks.chain.push(t.ticks[k + 3]!)
      ticks.answer.push(t.ticks[k + 4]!)
      ticks.answerTime.push(t.ticks[k + 5]!)
      ticks.event.push(t.ticks[k + 6]!)
    }
    ticks.offsets.push(ticks.step.length)
    for (let m = 0; m < t.marks.length; m += 3) {
      marks.kind.push(t.marks[m]!)
      marks.lane.push(lane)
      marks.step.push(t.marks[m + 1]!)
      marks.time.push(t.marks[m + 2]!)
    }
  })
  return {
    level,
    events,
    strings,
    tasks,
    spans,
    ticks,
    chains,
    marks,
    clock: { steps: clockSteps, times: clockTimes },
    range: { ...steps, timeMin, timeMax },
  }
}
