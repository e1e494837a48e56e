/**
 * The type-level side of effects: how a program's effects `E` are inferred, subtracted by
 * handlers and checked by the run functions. Types only; nothing here exists at runtime.
 * docs/typed-effects.md explains the rules.
 */

import type { Control } from "./control.js"
import type { Effect } from "./effect.js"
import type { HandlerDef } from "./handler-def.js"

/**
 * "Not tracked": the effects of a program whose body yields values the compiler cannot
 * read as effects (`Yielded`, the base `Effect<R>`), and of `Program<T>` written with one
 * parameter. It absorbs every union it enters and every run accepts it: the gradual escape.
 *
 * @example
 * ```ts
 * const legacy: Program<number, Untracked> = main() // the same as Program<number>
 * run(legacy) // compiles whatever main() performs
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the gradual escape is any by design
export type Untracked = any

/** Whether `T` is `any`. */
export type IsUntracked<T> = 0 extends 1 & T ? true : false

/**
 * The answer type of an effect type: `AnswerOf<Ask<string>>` is `string`.
 *
 * @example
 * ```ts
 * const answer: AnswerOf<Ask<number>> = 42
 * ```
 */
export type AnswerOf<E> = E extends Effect<infer R> ? R : never

/**
 * The effects a generator's yield type stands for, as `fn` and `program` read it: effect
 * types stay; `any`, the base `Effect<R>` (or a class indistinguishable from it) and
 * anything that is not an effect (`Yielded`) are not tracked.
 *
 * @example
 * ```ts
 * type A = EffectsOf<Ask<string> | Log> // Ask<string> | Log
 * type B = EffectsOf<Yielded> // any: not tracked
 * ```
 */
export type EffectsOf<Y> =
  IsUntracked<Y> extends true
    ? Untracked
    : Y extends Effect<unknown>
      ? Effect<Untracked> extends Y
        ? Untracked
        : Y
      : Untracked

/** What a handler function's code performs itself: a generator handler's effects. */
export type HandlerPerforms<X> =
  IsUntracked<X> extends true
    ? Untracked
    : X extends Generator<infer Y, unknown, unknown>
      ? EffectsOf<Y>
      : never

/** What a handler function may make its `withHandler` expression evaluate to, besides the body's value. */
export type HandlerReturns<X> =
  IsUntracked<X> extends true
    ? unknown
    : X extends Generator<unknown, infer R, unknown>
      ? R
      : X extends Control<unknown>
        ? never
        : X

/** The value type of `withHandler(h, body)`: the body's, or the handler's own (unknown: the body's). */
export type WithResult<T, R> = unknown extends R ? T : T | R

/** The effect types a handler (or a list element) answers; a bare function answers none. */
export type HandledBy<H> =
  H extends HandlerDef<infer A, Untracked, Untracked, Untracked> ? A : never

/** The effect types a handler's own code performs. */
export type PerformedByHandler<H> =
  H extends HandlerDef<Untracked, infer P, Untracked, Untracked> ? P : never

/** The value types the handlers of a list may return instead of the body's. */
export type ReturnedByHandlers<Hs> = Hs extends readonly (infer H)[]
  ? H extends HandlerDef<Untracked, Untracked, infer R, Untracked>
    ? R
    : never
  : never

/**
 * The effects of `E` left unanswered once `handlers` (outermost first, as `withHandlers`
 * and the `handlers` run option take them) are installed around it: each handler, from the
 * innermost out, removes what it answers and adds what its own code performs. An array
 * whose order the type does not know is applied as a whole.
 *
 * @example
 * ```ts
 * type Left = Remaining<Ask<string> | Log, [ReturnType<typeof reader>]> // Log
 * ```
 */
export type Remaining<E, Hs> = Hs extends readonly []
  ? E
  : Hs extends readonly [...infer Init, infer Last]
    ? Remaining<Exclude<E, HandledBy<Last>> | PerformedByHandler<Last>, Init>
    : Hs extends readonly (infer H)[]
      ? Exclude<E | PerformedByHandler<H>, HandledBy<H>>
      : E

/**
 * Accepts a program whose unanswered effects `R` are none (or not tracked: `any`, and
 * `unknown`, which an unresolved type parameter leaves); otherwise a
 * type the program lacks, whose one property names the effects, so the compiler's message
 * says which: `Property '"unhandled effects"' is missing in type 'Program<string,
 * Ask<string>>' but required in type '{ readonly "unhandled effects": Ask<string>; }'`.
 *
 * @example
 * ```ts
 * declare function start<T, E>(p: Program<T, E> & Answered<E>): T
 * ```
 */
export type Answered<R> = unknown extends R // not tracked (any), or unknown: accepted
  ? unknown
  : [R] extends [never]
    ? unknown
    : { readonly "unhandled effects": R }
