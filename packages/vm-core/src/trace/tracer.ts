import type { Effect } from "../effect.js"
import type { EffectEventKind, EventListener, TaskEventKind, TraceEvent } from "./events.js"

/**
 * The machine's event reporter, present only when a run asked for `"min"` or `"full"`:
 * with `"none"` the machine's `trace` field is null and every hook is one null check.
 * The machine knows nothing of tasks: a scheduler tells the tracer which task runs and
 * which clock to read, so effect events carry a task id and a time.
 */
export class Tracer {
  /** The task the machine runs now (set by a scheduler); 0 outside any scheduler. */
  taskId = 0
  /** The running scheduler's clock; null outside any scheduler (time 0). */
  clock: { now(): number } | null = null
  /** The first error `onEvent` threw: tracing stops and the run fails with it at its end. */
  failure: { readonly error: unknown } | null = null

  constructor(
    /** True for `"full"`: effect events too. */
    readonly full: boolean,
    readonly onEvent: EventListener,
    /** Reads the machine's step count. */
    readonly steps: () => number,
  ) {}

  /** Reports a task event (spawn, switch, cancel, fail, done) about `taskId`. */
  task(kind: TaskEventKind, taskId: number, fields: Partial<TraceEvent>): void {
    this.emit({ kind, step: this.steps(), taskId, time: this.now(), ...fields })
  }

  /** Reports an effect event, unless `effect` is one of effvm's own. */
  effect(kind: EffectEventKind, effect: Effect<unknown>, handler: string | undefined): void {
    this.#effectEvent(kind, effect, handler, false)
  }

  /** A resume or transfer that throws at the perform site. */
  throwingControl(kind: "resume" | "transfer", effect: Effect<unknown>, handler: string): void {
    this.#effectEvent(kind, effect, handler, true)
  }

  #effectEvent(
    kind: EffectEventKind,
    effect: Effect<unknown>,
    handler: string | undefined,
    throws: boolean,
  ): void {
    if (!this.full || isUntraced(effect)) return
    const event: { -readonly [F in keyof TraceEvent]: TraceEvent[F] } = {
      kind,
      step: this.steps(),
      taskId: this.taskId,
      time: this.now(),
      effect: nameOf(effect),
    }
    if (handler !== undefined) event.handler = handler
    if (throws) event.throws = true
    this.emit(event)
  }

  now(): number {
    return this.clock === null ? 0 : this.clock.now()
  }

  emit(event: TraceEvent): void {
    if (this.failure !== null) return
    try {
      this.onEvent(event)
    } catch (error) {
      // A listener's bug must not corrupt the run: stop reporting, fail the run at its end.
      this.failure = { error }
    }
  }
}

/**
 * Marks an effect class as effvm's own machinery: its performs, and the controls that answer
 * it, never appear in an event trace.
 */
export function markUntraced(
  effectClass: abstract new (...args: never[]) => Effect<unknown>,
): void {
  Object.defineProperty(effectClass.prototype, "effvmUntraced", { value: true })
}

function isUntraced(effect: Effect<unknown>): boolean {
  return (effect as { effvmUntraced?: boolean }).effvmUntraced === true
}

function nameOf(effect: Effect<unknown>): string {
  return effect.constructor.name
}
