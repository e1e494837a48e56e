import type { Control } from "./control.js"
import type { Effect, EffectClass } from "./effect.js"
import { HandlerDef, type HandlerFunction } from "./handler-def.js"
import type { Continuation } from "./machine/continuation.js"
import { multishotRegion } from "./multishot.js"
import { PROGRAM_WITH_HANDLER, Program, ProgramDef } from "./program.js"
import type {
  AnswerOf,
  HandlerPerforms,
  HandlerReturns,
  Remaining,
  ReturnedByHandlers,
  Untracked,
  WithResult,
} from "./typing.js"

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
 * A handler for `withHandler`, `withHandlers` and the `handlers` run option: made by
 * `handler()`, or a bare function (a catch-all that answers nothing in the type).
 *
 * @example
 * ```ts
 * const handlers: readonly AnyHandler[] = [reader(env), state()]
 * ```
 */
export type AnyHandler = HandlerDef<Untracked, Untracked, Untracked, Untracked> | HandlerFunction

/** What a fast-path catch-all handler declared as `handler<A>(f)` may abort with. */
type AbortValue = string | number | boolean | bigint | symbol | null | undefined

/**
 * Makes a handler from a function `(effect, k) => …`.
 *
 * The function may be a generator function (full power: `yield* Resume(k, v)` to
 * post-process, `yield* someEffect` to use outer handlers) or a plain function returning a
 * control value directly (the fast path: no generator is allocated). Declaring `handles`
 * lets the machine skip the handler for every other effect without calling it, types `eff`
 * as those classes' instances and `k` as a continuation of their answer type, and removes
 * them from the effects of the body it wraps. A catch-all handler removes nothing unless
 * it names what it answers: `handler<Ask>(f)` (and what its own code performs:
 * `handler<Ask, Log>(f)`). See docs/typed-effects.md.
 *
 * @example
 * ```ts
 * const reader = (env: Record<string, unknown>) =>
 *   handler((eff, k) => Transfer(k, env[eff.key]), { handles: [Ask] })
 * ```
 */
export function handler<const C extends readonly EffectClass[], X, T = unknown>(
  f: (effect: InstanceType<C[number]>, k: Continuation<AnswerOf<InstanceType<C[number]>>, T>) => X,
  options: { readonly handles: C; readonly name?: string; readonly multishot?: boolean },
): HandlerDef<InstanceType<C[number]>, HandlerPerforms<X>, HandlerReturns<X>, T>
// Three type parameters, none defaulted: `handler<Ask>(f)` and `handler<Ask, Log>(f)` skip this
// overload (and its contextual typing) for the next one, where they are what is answered.
export function handler<X, T, _Inferred extends never>(
  f: (effect: Effect<unknown>, k: Continuation<unknown, T>) => X,
  options?: { readonly name?: string; readonly multishot?: boolean },
): HandlerDef<never, HandlerPerforms<X>, HandlerReturns<X>, T>
export function handler<H extends Effect<unknown>, P extends Effect<unknown> = never>(
  f: (
    effect: Effect<unknown>,
    k: Continuation<unknown>,
  ) => Generator<P, unknown, unknown> | Control<unknown> | AbortValue,
  options?: { readonly name?: string; readonly multishot?: boolean },
): HandlerDef<H, P, unknown, unknown>
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
function asHandler(h: AnyHandler): HandlerDef {
  if (h instanceof HandlerDef) return h
  if (typeof h === "function") return handler(h)
  throw new TypeError(`withHandler expects a handler (made by handler()), got ${typeof h}`)
}

/**
 * Installs one handler around `body`. Handlers are deep: the handler stays installed for
 * everything the body performs, also after a resume. The result's effects are the body's
 * minus what the handler answers plus what its own code performs.
 *
 * @example
 * ```ts
 * run(withHandler(reader({ greeting: "hi" }), greet("ada"))) // "hi, ada"
 * ```
 */
export function withHandler<T, E = Untracked, H = Untracked, P = Untracked, R = Untracked>(
  h: HandlerDef<H, P, R, NoInfer<T>>,
  body: Program<T, E>,
): Program<WithResult<T, R>, Exclude<E, H> | P>
export function withHandler<T, E = Untracked, X = unknown>(
  h: (effect: Effect<unknown>, k: Continuation<unknown, NoInfer<T>>) => X,
  body: Program<T, E>,
): Program<WithResult<T, HandlerReturns<X>>, E | HandlerPerforms<X>>
export function withHandler<T>(h: AnyHandler, body: Program<T>): Program<unknown> {
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
 * Installs several handlers around `body`, the first outermost. The effects compose as
 * nested `withHandler`s do: each handler, from the innermost out, removes what it answers
 * and adds what its own code performs.
 *
 * @example
 * ```ts
 * run(withHandlers([logger(), reader(env)], main()))
 * ```
 */
export function withHandlers<const Hs extends readonly AnyHandler[], T, E = Untracked>(
  handlers: Hs,
  body: Program<T, E>,
): Program<WithResult<T, ReturnedByHandlers<Hs>>, Remaining<E, Hs>>
export function withHandlers<T>(
  handlers: readonly AnyHandler[],
  body: Program<T>,
): Program<unknown> {
  if (!Array.isArray(handlers)) {
    throw new TypeError(`withHandlers expects an array of handlers, got ${typeof handlers}`)
  }
  let wrapped: Program<unknown> = body
  for (let i = handlers.length - 1; i >= 0; i--) wrapped = withHandler(handlers[i]!, wrapped)
  return wrapped
}
