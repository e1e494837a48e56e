import type { Effect, EffectClass } from "./effect.js"

import type { Continuation } from "./machine/continuation.js"
import { multishotRegion } from "./multishot.js"
import { PROGRAM_WITH_HANDLER, Program, ProgramDef } from "./program.js"

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
 * Options of {@link handler}.
 *
 * @example
 * ```ts
 * const config: Record<string, unknown> = { region: "eu" }
 * const options: HandlerOptions = { handles: [Ask], name: "config" }
 * handler((eff, k) => Transfer(k, config[(eff as Ask<unknown>).key]), options)
 * ```
 */
export interface HandlerOptions<C extends readonly EffectClass[] = readonly EffectClass[]> {
  /** The effect classes this handler answers; the machine skips it for all others. */
  readonly handles?: C
  /** The name shown in messages and tracebacks (default: the function's name). */
  readonly name?: string
  /**
   * Whether the handler may resume the same `k` more than once: each later resume re-runs
   * the body from its start, replaying the answers it had (docs/multishot.md).
   */
  readonly multishot?: boolean
}

/**
 * An installed-ready handler: its function, what it handles, and its name.
 *
 * @example
 * ```ts
 * const h: HandlerDef = handler((eff, k) => Transfer(k, 1), { handles: [Tick] })
 * run(withHandler(h, main()))
 * ```
 */
export class HandlerDef {
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

/**
 * Makes a handler from a function `(effect, k) => …`.
 *
 * The function may be a generator function (full power: `yield* Resume(k, v)` to
 * post-process, `yield* someEffect` to use outer handlers) or a plain function returning a
 * control value directly (the fast path: no generator is allocated). Declaring `handles`
 * lets the machine skip the handler for every other effect without calling it.
 *
 * @example
 * ```ts
 * const reader = (env: Record<string, unknown>) =>
 *   handler((eff, k) => Transfer(k, env[eff.key]), { handles: [Ask] })
 * ```
 */
export function handler<const C extends readonly EffectClass[]>(
  f: (effect: NoInfer<InstanceType<C[number]>>, k: Continuation<unknown>) => unknown,
  options: { readonly handles: C; readonly name?: string; readonly multishot?: boolean },
): HandlerDef
export function handler(f: HandlerFunction, options?: HandlerOptions): HandlerDef
export function handler(f: HandlerFunction, options?: HandlerOptions): HandlerDef {
  if (typeof f !== "function") {
    throw new TypeError(`handler() expects a function (effect, k) => ..., got ${typeof f}`)
  }
  const handles = options?.handles
  if (handles !== undefined) {
    if (!Array.isArray(handles) || handles.some((c) => typeof c !== "function")) {
      throw new TypeError(
        `handler ${f.name || "(anonymous)"}: 'handles' must be an array of effect classes`,
      )
    }
  }
  return new HandlerDef(
    f,
    handles ? [...handles] : null,
    options?.name ?? (f.name || "(anonymous handler)"),
    options?.multishot === true,
  )
}

/** Accepts a `HandlerDef` or a bare handler function. */
function asHandler(h: HandlerDef | HandlerFunction): HandlerDef {
  if (h instanceof HandlerDef) return h
  if (typeof h === "function") return handler(h)
  throw new TypeError(`withHandler expects a handler (made by handler()), got ${typeof h}`)
}

/**
 * Installs one handler around `body`. Handlers are deep: the handler stays installed for
 * everything the body performs, also after a resume.
 *
 * @example
 * ```ts
 * run(withHandler(reader({ greeting: "hi" }), greet("ada"))) // "hi, ada"
 * ```
 */
export function withHandler<T>(h: HandlerDef | HandlerFunction, body: Program<T>): Program<T> {
  const def = asHandler(h)
  if (!(body instanceof Program)) {
    throw new TypeError(
      `withHandler(${def.name}, body): body must be a program, got ${typeof body}`,
    )
  }
  if (def.multishot) return multishotRegion(def, body)
  return new Program<T>(
    PROGRAM_WITH_HANDLER,
    undefined,
    undefined,
    new ProgramDef(`withHandler(${def.name})`, undefined),
    def,
    body,
  )
}

/**
 * Installs several handlers around `body`, the first outermost.
 *
 * @example
 * ```ts
 * run(withHandlers([logger(), reader(env)], main()))
 * ```
 */
export function withHandlers<T>(
  handlers: readonly (HandlerDef | HandlerFunction)[],
  body: Program<T>,
): Program<T> {
  if (!Array.isArray(handlers)) {
    throw new TypeError(`withHandlers expects an array of handlers, got ${typeof handlers}`)
  }
  let wrapped = body
  for (let i = handlers.length - 1; i >= 0; i--) wrapped = withHandler(handlers[i]!, wrapped)
  return wrapped
}
