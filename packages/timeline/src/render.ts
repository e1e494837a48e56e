import type { TraceEvent } from "@effvm/vm-core"
import { escapedFrom } from "@effvm/vm-core/internal"
import { describeError } from "./error-text.js"
import { buildModel, STATE_FAILED, type TimelineModel } from "./model.js"
import type { PageOutcome } from "./page/data.js"
import { pageHtml } from "./page/html.js"

/**
 * How the run ended, for the page's banner and the failing task's highlight. The object
 * `runOutcome` / `runOutcomeAsync` return fits as it is.
 *
 * @example
 * ```ts
 * const outcome: TimelineOutcome = { status: "failed", error, taskId: 4 }
 * renderTimeline(events, { outcome })
 * ```
 */
export type TimelineOutcome =
  | { readonly status: "done"; readonly value?: unknown }
  | {
      readonly status: "failed" | "stopped"
      readonly error: unknown
      /**
       * The task the error escaped from first (innermost), whose lane is highlighted; by
       * default the one the error records, else the task that failed first.
       */
      readonly taskId?: number
    }

/**
 * What `renderTimeline` takes besides the events.
 *
 * @example
 * ```ts
 * const outcome = runOutcome(scheduled(main), { trace: "full", onEvent: (e) => events.push(e) })
 * renderTimeline(events, { title: "checkout run", outcome, traceback: formatTraceback(error) })
 * ```
 */
export interface TimelineOptions {
  /** The page's title and heading; default `"effvm timeline"`. */
  readonly title?: string
  /** How the run ended: its value, or its error (highlighted with its traceback). */
  readonly outcome?: TimelineOutcome
  /** The run's error, when no `outcome` is given (the same as `{ status: "failed", error }`). */
  readonly error?: unknown
  /** The run's traceback as text; by default `formatTraceback` of the error. */
  readonly traceback?: string
}

/**
 * Renders a run's event trace (`trace: "full"` or `"min"`, the events in the order
 * `onEvent` received them) as one self-contained HTML page: no network access, style and
 * script inline. A lane per task (name, id, parent), its activations as spans, spawn,
 * cancel, done and failure marks, a tick per perform whose details (effect, the handlers it
 * went through and their verdicts, step, time) show on hover or click, the failing task
 * highlighted with its traceback, a step axis and a clock axis, zoom and pan.
 *
 * Throws a `TypeError` naming the event for anything that is not a trace event.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs"
 *
 * const events: TraceEvent[] = []
 * const outcome = runOutcome(scheduled(main, { clock: new VirtualClock() }), {
 *   trace: "full",
 *   onEvent: (e) => events.push(e),
 * })
 * writeFileSync("timeline.html", renderTimeline(events, { outcome, title: "main" }))
 * ```
 */
export function renderTimeline(
  events: readonly TraceEvent[],
  options: TimelineOptions = {},
): string {
  if (!Array.isArray(events)) {
    throw new TypeError(
      `renderTimeline(events): events must be an array of trace events (run with trace: "full" or "min" and collect onEvent's events), got ${describe(events)}`,
    )
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `renderTimeline(events, options): options must be an object, got ${describe(options)}`,
    )
  }
  if (options.title !== undefined && typeof options.title !== "string") {
    throw new TypeError(
      `renderTimeline(events, { title }): title must be a string, got ${describe(options.title)}`,
    )
  }
  if (options.traceback !== undefined && typeof options.traceback !== "string") {
    throw new TypeError(
      `renderTimeline(events, { traceback }): traceback must be a string, got ${describe(options.traceback)}`,
    )
  }
  const model = buildModel(events)
  return pageHtml({
    title: options.title ?? "effvm timeline",
    model,
    outcome: pageOutcome(model, options),
  })
}

function pageOutcome(model: TimelineModel, options: TimelineOptions): PageOutcome {
  const outcome: TimelineOutcome | undefined =
    options.outcome ?? ("error" in options ? { status: "failed", error: options.error } : undefined)
  if (outcome === undefined)
    return { status: "unknown", text: "", traceback: "", originLane: firstFailure(model) }
  if (outcome.status === "done") {
    return { status: "done", text: previewValue(outcome.value), traceback: "", originLane: -1 }
  }
  if (outcome.status !== "failed" && outcome.status !== "stopped") {
    throw new TypeError(
      `renderTimeline(events, { outcome }): outcome.status must be "done", "failed" or "stopped", got ${describe((outcome as { status?: unknown }).status)}`,
    )
  }
  const error = describeError(outcome.error)
  return {
    status: outcome.status,
    text: error.summary,
    traceback: options.traceback ?? error.traceback,
    originLane: originLane(model, outcome.taskId ?? escapedFrom(outcome.error)?.taskId),
  }
}

/** The lane of the failed task with id `taskId`, else of the task that failed first. */
function originLane(model: TimelineModel, taskId: number | undefined): number {
  const { id, state } = model.tasks
  if (taskId !== undefined) {
    for (let lane = 0; lane < id.length; lane++) {
      if (id[lane] === taskId && state[lane] === STATE_FAILED) return lane
    }
  }
  return firstFailure(model)
}

function firstFailure(model: TimelineModel): number {
  const { endStep, state } = model.tasks
  let lane = -1
  for (let l = 0; l < state.length; l++) {
    if (state[l] === STATE_FAILED && (lane === -1 || endStep[l]! < endStep[lane]!)) lane = l
  }
  return lane
}

function previewValue(value: unknown): string {
  if (value === undefined) return "undefined"
  if (typeof value === "string")
    return JSON.stringify(value.length > 200 ? `${value.slice(0, 197)}...` : value)
  try {
    const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))
    if (text !== undefined) return text.length > 200 ? `${text.slice(0, 197)}...` : text
  } catch {
    // a cycle or a throwing getter: fall through to String
  }
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value)
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (value === null || typeof value !== "object") return String(value)
  return Object.prototype.toString.call(value)
}
