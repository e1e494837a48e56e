import { describeValue } from "../effect.js"
import { GetExecutionContext } from "../errors/context.js"
import { Preempt } from "../machine/builtin-effects.js"
import type { Machine } from "../machine/state.js"
import { TaskStart } from "../machine/tasks.js"
import type { EventListener, TraceLevel } from "./events.js"
import { markUntraced, Tracer } from "./tracer.js"

// The machine's own effects never show in a trace (docs/semantics.md §10).
markUntraced(GetExecutionContext)
markUntraced(Preempt)
markUntraced(TaskStart)

/** The run options that concern tracing. */
export interface TraceOptions {
  readonly trace?: TraceLevel
  readonly onEvent?: EventListener
}

/** Gives machine `m` a tracer when `options` ask for one; checks the options. */
export function attachTracer(m: Machine, options: TraceOptions | undefined, caller: string): void {
  const level = options?.trace
  if (level === undefined || level === "none") return
  if (level !== "min" && level !== "full") {
    throw new TypeError(
      `${caller}(program, { trace }): trace must be "none", "min" or "full", got ${describeValue(level)}`,
    )
  }
  const onEvent = options?.onEvent
  if (typeof onEvent !== "function") {
    throw new TypeError(
      `${caller}(program, { trace: "${level}" }) needs onEvent: a function that receives each event.`,
    )
  }
  m.trace = new Tracer(level === "full", onEvent, () => m.steps)
  m.hooked = true
}

/** Throws the error `onEvent` threw during the run, if it threw one. */
export function throwTraceFailure(m: Machine): void {
  const failure = m.trace?.failure
  if (failure) throw failure.error
}
