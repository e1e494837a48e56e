import type { Effect, EffectClass } from "./effect.js"
import type { Continuation } from "./machine/continuation.js"
import type { Untracked } from "./typing.js"

/**
 * What a handler function receives and may return: a control value (the fast path), a
 * generator (a generator handler), or any other value (abort with that value).
 *
 * @example
 * ```ts
 * const answer: HandlerFunction<Ask> = (eff, k) => Transfer(k, env[eff.key])
 * withHandler(handler(answer, { handles: [Ask] }), main())
 * ```
 */
export type HandlerFunction<E extends Effect<unknown> = Effect<unknown>> = (
  effect: E,
  k: Continuation<unknown>,
) => unknown

/**
 * An installed-ready handler: its function, what it handles, and its name. Its type says
 * what it answers (`H`, removed from the effects of the body it wraps), what its own code
 * performs (`P`, added to them), what it may return instead of the body's value (`R`), and
 * the body result its code expects (`T`). `HandlerDef` with no arguments is untracked.
 *
 * @example
 * ```ts
 * const h: HandlerDef<Tick, never, never, unknown> = handler((eff, k) => Transfer(k, 1), { handles: [Tick] })
 * run(withHandler(h, main()))
 * ```
 */
export class HandlerDef<H = Untracked, P = Untracked, R = Untracked, T = Untracked> {
  /** @hidden phantom: the effects it answers. */
  declare readonly effvmHandles: H
  /** @hidden phantom: the effects its own code performs. */
  declare readonly effvmHandlerPerforms: P
  /** @hidden phantom: what it returns instead of the body's value. */
  declare readonly effvmReturns: R
  /** @hidden phantom: the body result it expects (contravariant). */
  declare readonly effvmBody: (body: T) => void

  /** @internal */
  constructor(
    /** The handler function (read by the durable package, so kept in the declarations). @hidden */
    readonly fn: HandlerFunction,
    /** The effect classes it answers, `null` for a catch-all (read by the durable package). @hidden */
    readonly handles: readonly EffectClass[] | null,
    readonly name: string,
    /** Whether `k` may be resumed more than once (by replaying the body). */
    readonly multishot: boolean = false,
    /** @internal set for `observe`/`intercept` regions: called at each perform site inside. */
    readonly observer: EffectObserver | null = null,
  ) {}

  /** @internal whether this handler would be offered `effect`. */
  accepts(effect: Effect<unknown>): boolean {
    const handles = this.handles
    if (handles === null) return true
    for (let i = 0; i < handles.length; i++) if (effect instanceof handles[i]!) return true
    return false
  }
}

/** @internal what `observe`/`intercept` call at a perform site (observe.ts). */
export interface EffectObserver {
  readonly f: (effect: Effect<unknown>) => unknown
  /** True for `intercept`: what `f` returns is performed instead. */
  readonly replaces: boolean
}
