/**
 * The yield protocol shared by effects, programs and control values.
 *
 * `yield* x` calls `x[Symbol.iterator]()` and then `next()` twice: the first call must
 * hand `x` itself to the machine, the second returns the machine's answer. Allocating an
 * iterator per perform would dominate a perform's cost, so every instruction returns one
 * shared cursor and the module remembers which instruction was just opened. Between
 * `[Symbol.iterator]()` and the first `next()` no other code runs (both happen inside one
 * `yield*` evaluation), so one slot is enough even when the same instance is performed by
 * many tasks at once.
 */

import { direct } from "./direct.js"
import { captureOpened, liveCapture } from "./errors/live-lines.js"

/** Classifies what a frame yielded with one property read. */
export const TAG_EFFECT = 1
export const TAG_PROGRAM = 2
export const TAG_CONTROL = 3

let opened: Instruction<unknown> | null = null

// Shared result objects: `yield*` reads `done`/`value` at once and the machine reads the
// yielded value before any other instruction can run, so reuse is safe and saves two
// allocations per perform (W1: measured in docs/performance.md).
const yieldedResult: { done: false; value: unknown } = { done: false, value: undefined }
const doneResult: { done: true; value: unknown } = { done: true, value: undefined }

const cursor: Iterator<unknown, unknown, unknown> = {
  next(answer?: unknown): IteratorResult<unknown, unknown> {
    if (opened !== null) {
      yieldedResult.value = opened
      opened = null
      return yieldedResult
    }
    doneResult.value = answer
    return doneResult
  },
  throw(error?: unknown): IteratorResult<unknown, unknown> {
    opened = null
    throw error
  },
  return(value?: unknown): IteratorResult<unknown, unknown> {
    opened = null
    doneResult.value = value
    return doneResult
  },
}

/** The iterator of a perform answered in place (direct.ts): done at once, with the answer. */
const answered: Iterator<unknown, unknown, unknown> = {
  next(): IteratorResult<unknown, unknown> {
    doneResult.value = direct.answer
    direct.answer = undefined
    return doneResult
  },
  throw(error?: unknown): IteratorResult<unknown, unknown> {
    throw error
  },
  return(value?: unknown): IteratorResult<unknown, unknown> {
    doneResult.value = value
    return doneResult
  },
}

/**
 * Base of everything a program may yield: effects, programs and control values.
 * `R` is what `yield*` evaluates to.
 *
 * @example
 * ```ts
 * function* body(): Generator<Instruction<unknown>, number, unknown> {
 *   return (yield* new Ask<number>("n")) + (yield* compute(1))
 * }
 * ```
 */
export abstract class Instruction<R> {
  /** @internal which kind of instruction this is (see the `TAG_` constants). */
  declare readonly effvmTag: number;

  /** Makes the instruction yieldable: `yield* x` hands `x` to the machine and evaluates to its answer. */
  // The iterator's yield type is what `yield*` of this instruction adds to the enclosing
  // generator's yield type: the effect itself, a program's effects, nothing for a control
  // value. That is how `fn` and `program` infer a program's effects (docs/typed-effects.md).
  [Symbol.iterator](): Iterator<PerformedBy<this>, R, unknown> {
    if (liveCapture.machine !== null) captureOpened()
    if (direct.frame !== null && this.effvmTag === TAG_EFFECT && direct.perform(this))
      return answered as Iterator<PerformedBy<this>, R, unknown>
    opened = this
    return cursor as Iterator<PerformedBy<this>, R, unknown>
  }
}

/**
 * What `yield* x` adds to a program's effects: `x`'s declared `effvmPerforms` (a program's
 * `E`, nothing for a control value), else `x` itself (an effect).
 *
 * @example
 * ```ts
 * type A = PerformedBy<Ask<string>> // Ask<string>
 * type B = PerformedBy<Program<number, Ask<string> | Log>> // Ask<string> | Log
 * ```
 */
export type PerformedBy<I> = I extends { readonly effvmPerforms: infer E } ? E : I

/**
 * What a program generator may yield.
 *
 * @example
 * ```ts
 * const walk = fn(function* walk(n: number): Generator<Yielded, number, unknown> {
 *   return n === 0 ? 0 : 1 + (yield* walk(n - 1))
 * })
 * ```
 */
export type Yielded = Instruction<unknown>

/**
 * The generator type of a program body returning `T` and performing `E`. Without `E` the
 * body's effects are not tracked (`Yielded`): see docs/typed-effects.md.
 *
 * @example
 * ```ts
 * function* countdown(n: number): ProgramGenerator<void, Log> {
 *   while (n-- > 0) yield* log(n)
 * }
 * const p = program(() => countdown(3)) // Program<void, Log>
 * ```
 */
export type ProgramGenerator<T, E = Yielded> = Generator<E, T, unknown>

/**
 * Any value, as the machine reads its tag: `(value as Tagged)?.effvmTag` is the tag of an
 * instruction and `undefined` for anything else (a primitive reads `undefined` too).
 *
 * Why each place reads it itself, not through one shared function: V8 keeps what a property
 * read has seen per place in the code, and a function's reads are shared by all its callers,
 * inlined or not. One shared read saw every effect class, controls, programs and generators,
 * went megamorphic (a hashed lookup per read: 18% of W1's generator-handler profile), and
 * so did every caller. Read in place, a check of a handler's answer sees mostly controls.
 */
export type Tagged = { readonly effvmTag?: number } | null | undefined
