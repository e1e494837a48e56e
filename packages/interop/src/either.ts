import { awaitExternal, fn, Interrupt, type Program, type Yielded } from "@effvm/vm-core"
import * as E from "fp-ts/lib/Either.js"
import type { TaskEither } from "fp-ts/lib/TaskEither.js"

/**
 * A `Left` that is not an `Error`, thrown into a program by {@link fromEither} or
 * {@link fromTaskEither} so that it has a type, a message and a traceback; `left` holds the
 * value. {@link attemptEither} turns it back into that `Left`.
 *
 * @example
 * ```ts
 * import * as E from "fp-ts/lib/Either.js"
 *
 * try {
 *   yield* fromEither(E.left("not found"))
 * } catch (e) {
 *   console.log((e as LeftError).left) // "not found"
 * }
 * ```
 */
export class LeftError<L = unknown> extends Error {
  /** The `Left` value. */
  readonly left: L

  constructor(left: L) {
    super(`Either was Left: ${describe(left)}`)
    this.name = "LeftError"
    this.left = left
  }
}

const leftToThrow = (left: unknown): unknown => (left instanceof Error ? left : new LeftError(left))

const eitherProgram = fn(function* fromEither(
  either: E.Either<unknown, unknown>,
): Generator<Yielded, unknown, unknown> {
  if (E.isRight(either)) return either.right
  throw leftToThrow(either.left)
})

const taskEitherProgram = fn(function* fromTaskEither(
  task: TaskEither<unknown, unknown>,
): Generator<Yielded, unknown, unknown> {
  const either = (yield* awaitExternal(task())) as E.Either<unknown, unknown>
  if (E.isRight(either)) return either.right
  throw leftToThrow(either.left)
})

const attemptProgram = fn(function* attemptEither(
  body: Program<unknown>,
): Generator<Yielded, E.Either<unknown, unknown>, unknown> {
  try {
    return E.right(yield* body)
  } catch (error) {
    if (error instanceof Interrupt) throw error
    return E.left(error instanceof LeftError ? error.left : error)
  }
})

/**
 * A program that evaluates to the `Right` of an fp-ts `Either`, or throws its `Left`: an
 * `Error` as it is, any other value wrapped in a {@link LeftError}.
 *
 * @example
 * ```ts
 * import * as E from "fp-ts/lib/Either.js"
 *
 * const parsePort = (s: string) => (/^\d+$/.test(s) ? E.right(Number(s)) : E.left(`bad port ${s}`))
 * run(fromEither(parsePort("8080"))) // 8080
 * ```
 */
export function fromEither<L, R>(either: E.Either<L, R>): Program<R, never> {
  if (!isEither(either)) {
    throw new TypeError(`fromEither() expects an fp-ts Either, got ${describe(either)}`)
  }
  return eitherProgram(either) as Program<R, never>
}

/**
 * A program that runs an fp-ts `TaskEither` (each run of the program calls it afresh),
 * waits for it like `awaitPromise`, and evaluates to its `Right` or throws its `Left` as
 * {@link fromEither} does. Needs `runAsync`.
 *
 * @example
 * ```ts
 * import * as TE from "fp-ts/lib/TaskEither.js"
 *
 * const getUser = (id: number) => TE.tryCatch(() => fetchJson(`/users/${id}`), String)
 * await runAsync(scheduled(fromTaskEither(getUser(1))))
 * ```
 */
export function fromTaskEither<L, R>(task: TaskEither<L, R>): Program<R, never> {
  if (typeof task !== "function") {
    throw new TypeError(
      `fromTaskEither() expects an fp-ts TaskEither (a function returning a promise of an Either), got ${describe(task)}`,
    )
  }
  return taskEitherProgram(task) as Program<R, never>
}

/**
 * Runs `body` and evaluates to an fp-ts `Either`: `Right` with its value, or `Left` with
 * the error it threw (a {@link LeftError} gives back its `left`). Cancellation and other
 * `Interrupt`s are not caught. Like `attempt`, it runs at the perform site, seeing every
 * handler in between.
 *
 * @example
 * ```ts
 * import * as E from "fp-ts/lib/Either.js"
 *
 * const result = run(attemptEither(fromEither(E.left("nope")))) // E.left("nope")
 * ```
 */
export function attemptEither<T, Fx>(body: Program<T, Fx>): Program<E.Either<unknown, T>, Fx> {
  return attemptProgram(body) as Program<E.Either<unknown, T>, Fx>
}

function isEither(value: unknown): value is E.Either<unknown, unknown> {
  const tag = (value as { _tag?: unknown } | null)?._tag
  return tag === "Left" || tag === "Right"
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value)
  if (value === null || typeof value !== "object") return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}
