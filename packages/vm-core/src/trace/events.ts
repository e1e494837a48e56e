/**
 * How much a run reports to `onEvent`: `"none"` (the default, costs nothing), `"min"` (task
 * and error events: spawn, switch, cancel, fail, done) or `"full"` (also every perform,
 * resume, transfer, pass and delegate).
 *
 * @example
 * ```ts
 * run(scheduled(main), { trace: "min", onEvent: (e) => console.log(e.kind, e.taskId) })
 * ```
 */
export type TraceLevel = "none" | "min" | "full"

/**
 * Events about tasks, reported by the scheduler at `"min"` and `"full"`.
 *
 * @example
 * ```ts
 * const onEvent = (e: TraceEvent) => {
 *   const kind: TaskEventKind | EffectEventKind = e.kind
 *   if (kind === "fail") console.error(`task ${e.taskId} failed`, e.error)
 * }
 * ```
 */
export type TaskEventKind = "spawn" | "switch" | "cancel" | "fail" | "done"

/**
 * Events about effects and handlers, reported by the machine at `"full"` only.
 *
 * @example
 * ```ts
 * run(main(), {
 *   trace: "full",
 *   onEvent: (e) => e.kind === "perform" && console.log(e.step, e.effect),
 * })
 * ```
 */
export type EffectEventKind = "perform" | "resume" | "transfer" | "pass" | "delegate"

/**
 * One event of a traced run. Every event has `kind`, `step` (the machine's step count when
 * it happened), `taskId` (the task it is about, or the task running; 0 outside any
 * scheduler) and `time` (the scheduler's clock in ms; 0 outside any scheduler).
 *
 * - `perform`: the running task performed `effect` (class name), once per `yield* effect`.
 * - `resume` / `transfer`: `handler` answered `effect` (`throws: true` for ResumeThrow,
 *   TransferThrow and errors crossing from another task).
 * - `pass` / `delegate`: `handler` passed or delegated `effect`.
 * - `spawn`: task `taskId` (`name`) was spawned by `parentId`.
 * - `switch`: the scheduler chose task `taskId` to run next.
 * - `cancel`: task `taskId` was asked to cancel.
 * - `done`: task `taskId` finished (`cancelled: true` when it ended by cancellation).
 * - `fail`: task `taskId` failed with `error`.
 *
 * @example
 * ```ts
 * const events: TraceEvent[] = []
 * run(scheduled(main), { trace: "full", onEvent: (e) => events.push(e) })
 * events.filter((e) => e.kind === "perform").map((e) => e.effect) // ["Spawn", "Sleep", …]
 * ```
 */
export interface TraceEvent {
  readonly kind: TaskEventKind | EffectEventKind
  readonly step: number
  readonly taskId: number
  readonly time: number
  /** The effect's class name (effect events). */
  readonly effect?: string
  /** The handler's name (resume, transfer, pass, delegate). */
  readonly handler?: string
  /** A resume or transfer that throws at the perform site. */
  readonly throws?: boolean
  /** The task's name (task events). */
  readonly name?: string
  /** The spawning task (spawn events). */
  readonly parentId?: number
  /** The error a task failed with (fail events). */
  readonly error?: unknown
  /** The task ended by cancellation (done events). */
  readonly cancelled?: boolean
}

/**
 * What `onEvent` receives.
 *
 * @example
 * ```ts
 * const events: TraceEvent[] = []
 * const collect: EventListener = (e) => events.push(e)
 * run(scheduled(main()), { trace: "min", onEvent: collect })
 * ```
 */
export type EventListener = (event: TraceEvent) => void
