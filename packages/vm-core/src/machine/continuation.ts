import type { Effect } from "../effect.js"
import type { Frame, PromptFrame } from "./frames.js"
import { type ContinuationFrame, handlerNamesFrom, programFramesFrom } from "./where.js"

export const K_LIVE = 0
export const K_RESUMED = 1
export const K_ABANDONED = 2

/**
 * The rest of the computation from a perform site up to the handler that holds it, taking
 * the effect's answer `R` and ending with the `withHandler` body's result `T`:
 * frames `top` … `bottom`, where `bottom` is that handler's prompt. One-shot: `state`
 * leaves `K_LIVE` exactly once, and the continuation object is the single owner of that
 * fact (no registry elsewhere).
 *
 * @example
 * ```ts
 * handler(function* h(eff, k: Continuation<unknown>) {
 *   const bodyResult = yield* Resume(k, 1) // k is used up here
 *   return bodyResult
 * }, { handles: [Tick] })
 * ```
 */
export class Continuation<R = unknown, T = unknown> {
  /** @hidden phantom answer type: what resuming it takes. */
  declare readonly effvmAnswer: R
  /** @hidden phantom: the `withHandler` body's result, what `yield* Resume(k, v)` gives. */
  declare readonly effvmBody: T
  /** @internal */
  state = K_LIVE
  /** @internal how each handler treated the effect so far (tracebacks); null until needed. */
  trail: HandlerVerdict[] | null = null

  /** @internal */
  constructor(
    /**
     * The machine it belongs to. Hidden from the API reference but kept in the
     * declarations: the handlers package reads it across the package boundary.
     * @hidden
     */
    readonly owner: object,
    /**
     * The frame that performed the effect. Hidden from the API reference but kept in the
     * declarations: the scheduler reads it across the package boundary.
     * @hidden
     */
    readonly top: Frame,
    /** @internal the prompt of the handler currently holding it. */
    public bottom: PromptFrame | null,
    /** The effect being handled. */
    readonly effect: Effect<unknown>,
  ) {}

  /** Whether the continuation can still be resumed. */
  get resumable(): boolean {
    return this.state === K_LIVE
  }

  /**
   * Where the continuation was taken: the user's program frames from the perform site
   * outwards (to the task's first frame), each `{ name, file, line }`. Computed when read.
   */
  get frames(): ContinuationFrame[] {
    return programFramesFrom(this.top)
  }

  /**
   * The names of the handlers in scope at the perform site, innermost first, the one
   * holding `k` included. Computed when read.
   */
  get handlers(): string[] {
    return handlerNamesFrom(this.top)
  }
}

/** How a handler treated an effect (tracebacks; symbols in docs/errors.md). */
export type Verdict = "resumed" | "transferred" | "passed" | "delegated" | "threw" | "aborted"

/** One handler's treatment of one effect, recorded on the error path only. */
export interface HandlerVerdict {
  readonly via: PromptFrame
  readonly verdict: Verdict
  /** For "delegated": the continuation the effect was re-performed with (the verdicts go on). */
  readonly next?: Continuation<unknown>
}
