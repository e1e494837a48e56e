import { Instruction, TAG_CONTROL } from "./instruction.js"
import type { Continuation } from "./machine/continuation.js"
import type { Untracked } from "./typing.js"

/**
 * Control operations, as the machine reads them. The values only need to be distinct;
 * nothing depends on their order (the journal reads them too, by name).
 */
export const OP_RESUME = 0
/** `Transfer(k, v)`: continue `k` with `v` in tail position. */
export const OP_TRANSFER = 1
/** `ResumeThrow(k, e)`: throw `e` at `k`'s perform site, then come back. */
export const OP_RESUME_THROW = 2
/** `TransferThrow(k, e)`: throw `e` at `k`'s perform site in tail position. */
export const OP_TRANSFER_THROW = 3
/** `Pass()`: this handler declines; the effect goes on outward. */
export const OP_PASS = 4
/** `Delegate()`: the effect goes on outward, and its answer comes back here. */
export const OP_DELEGATE = 5
/** Internal (scheduler): throw at k's perform site through a fresh enrichment dispatch. */
export const OP_TRANSFER_ENRICH = 6
/** Internal (scheduler): close a continuation the yielding program holds (close-request.ts). */
export const OP_CLOSE = 7

/** The controls that continue a continuation at its perform site (with a value or a throw). */
export type ResumeOp =
  | typeof OP_RESUME
  | typeof OP_TRANSFER
  | typeof OP_RESUME_THROW
  | typeof OP_TRANSFER_THROW

/** Every control operation: the public ones, then the scheduler's two internal ones. */
export type ControlOp =
  | ResumeOp
  | typeof OP_PASS
  | typeof OP_DELEGATE
  | typeof OP_TRANSFER_ENRICH
  | typeof OP_CLOSE

/**
 * A control value: what a handler does with a continuation. `yield*` it inside a
 * generator handler, or return it from a fast-path handler.
 *
 * @example
 * ```ts
 * const echo = handler((eff: Ping, k) => Transfer(k, eff.payload), { handles: [Ping] })
 * const logged = handler(function* logged(eff, k) {
 *   console.log("saw", eff)
 *   return yield* Pass()
 * })
 * ```
 */
export class Control<R = unknown> extends Instruction<R> {
  /** @hidden phantom: a control value is not an effect; `yield*` of it performs nothing. */
  declare readonly effvmPerforms: never
  /** @internal */
  constructor(
    /** One of the `OP_` constants (read by the durable package). @hidden */
    readonly op: ControlOp,
    /** The continuation acted on, none for Pass and Delegate (read by the durable package). @hidden */
    readonly k: Continuation<unknown> | null,
    /** The value delivered or the error thrown (read by the durable package). @hidden */
    readonly value: unknown,
  ) {
    super()
  }
}
Object.defineProperty(Control.prototype, "effvmTag", { value: TAG_CONTROL })

/**
 * Resumes the body with `value` (of the effect's answer type `R`). In a generator handler,
 * `yield* Resume(k, v)` evaluates to the body's final value (`T`, as `k` states it), so the
 * handler can post-process it; the handler's frame stays alive until then. Returned from a
 * fast-path handler it is a tail resume.
 *
 * @example
 * ```ts
 * handler(function* doubler(eff, k: Continuation<number, number>) {
 *   const result = yield* Resume(k, 21) // number: the body's result
 *   return result * 2
 * }, { handles: [Half] })
 * ```
 */
export function Resume<R, T>(k: Continuation<R, T>, value: NoInfer<R>): Control<T> {
  return new Control<T>(OP_RESUME, k as Continuation<unknown>, value)
}

/**
 * Tail resume: the handler is finished, its frame is gone, and the body's final value
 * becomes the value of the `withHandler` expression directly.
 *
 * @example
 * ```ts
 * handler((eff, k) => Transfer(k, 1), { handles: [Tick] })
 * ```
 */
export function Transfer<R>(k: Continuation<R, unknown>, value: NoInfer<R>): Control<never> {
  return new Control<never>(OP_TRANSFER, k as Continuation<unknown>, value)
}

/**
 * Like {@link Resume}, but throws `error` at the perform site, where a `try/catch` around
 * `yield* effect` can catch it.
 *
 * @example
 * ```ts
 * handler(function* strict(eff, k) { return yield* ResumeThrow(k, new Error("denied")) })
 * ```
 */
export function ResumeThrow<T>(k: Continuation<unknown, T>, error: unknown): Control<T> {
  return new Control<T>(OP_RESUME_THROW, k as Continuation<unknown>, error)
}

/**
 * Like {@link Transfer}, but throws `error` at the perform site.
 *
 * @example
 * ```ts
 * handler((eff, k) => TransferThrow(k, new Error("denied")), { handles: [Ask] })
 * ```
 */
export function TransferThrow(k: Continuation<unknown, unknown>, error: unknown): Control<never> {
  return new Control<never>(OP_TRANSFER_THROW, k as Continuation<unknown>, error)
}

const pass = new Control<never>(OP_PASS, null, undefined)
const delegate = new Control<unknown>(OP_DELEGATE, null, undefined)

/** The one `Pass()` value: the machine recognises a fast-path decline by identity. */
export const PASS_CONTROL: Control = pass

/**
 * Declines the effect: the next outer handler receives the same effect and the same `k`.
 * Terminal: code after `yield* Pass()` never runs.
 *
 * @example
 * ```ts
 * handler(function* onlyAsk(eff, k) {
 *   if (eff instanceof Ask) return yield* Transfer(k, "x")
 *   return yield* Pass()
 * })
 * ```
 */
export function Pass(): Control<never> {
  return pass
}

/**
 * Re-performs the effect to the outer handlers; `yield* Delegate()` evaluates to their
 * answer and the handler then resumes `k` itself. From a fast-path handler it acts like
 * {@link Pass}. Pass `k` to type the answer as the effect's (`Delegate(k)`: `k` is only
 * read by the compiler); without it the answer is not checked (`any`).
 *
 * @example
 * ```ts
 * handler(function* upper(eff, k) {
 *   const answer = yield* Delegate(k) // string: Greeting's answer type
 *   return yield* Transfer(k, answer.toUpperCase())
 * }, { handles: [Greeting] })
 * ```
 */
export function Delegate<R = Untracked>(_k?: Continuation<R, unknown>): Control<R> {
  return delegate as Control<R>
}
