import type { Effect } from "../effect.js"
import type { Frame, PromptFrame } from "./frames.js"
import { handlersInScope } from "./naming.js"
import type { Machine } from "./state.js"
import { type ContinuationFrame, programFramesFrom } from "./where.js"

/** Not used yet: it can be resumed (or transferred, passed, closed). */
export const K_LIVE = 0
/** Used up: resumed, transferred or thrown into, or taken by the machine (a handler failed). */
export const K_CONSUMED = 1
/** Its handler gave it up without using it: its frames are closed (or being closed). */
export const K_ABANDONED = 2

/** Where a continuation stands: it leaves `K_LIVE` exactly once. */
export type ContinuationState = typeof K_LIVE | typeof K_CONSUMED | typeof K_ABANDONED

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
  state: ContinuationState = K_LIVE
  /** @internal how each handler treated the effect so far (tracebacks); null until needed. */
  trail: HandlerVerdict[] | null = null

  /** @internal */
  constructor(
    /**
     * The machine it belongs to. Only the scheduler port (scheduler-port.ts) reads the
     * machine through it; other packages go through that port too.
     * @internal
     */
    readonly owner: Machine,
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
    return handlersInScope(this.top)
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

/**
 * Records an unusual verdict on `k` for tracebacks. Passes and the last handler's verdict
 * are derived when a traceback is built, so the success path records nothing.
 */
export function noteVerdict(
  k: Continuation<unknown>,
  p: PromptFrame | null,
  verdict: Verdict,
): void {
  if (p === null) return
  ;(k.trail ??= []).push({ via: p, verdict })
}
