import { describeValue } from "./effect.js"
import { type CapturedSite, captureSite } from "./errors/site.js"
import type { HandlerDef } from "./handler-def.js"
import { Instruction, TAG_PROGRAM, type Yielded } from "./instruction.js"
import type { EffectsOf, Untracked } from "./typing.js"

/** How the machine starts a program: a generator body, a handler around a body, a value. */
export const PROGRAM_BODY = 0
export const PROGRAM_WITH_HANDLER = 1
export const PROGRAM_PURE = 2

/** What is known about a program's definition: its name and where it was written. */
export class ProgramDef {
  constructor(
    readonly name: string,
    readonly site: CapturedSite | undefined,
  ) {}
}

/**
 * A lazy, re-runnable description of a computation returning `T` that may perform the
 * effects `E` without answering them itself. Nothing runs until a machine starts it;
 * `yield* p` runs it as a new frame of the running machine and adds `E` to the caller's
 * effects. `fn` and `program` infer `E`; handlers remove what they answer; `run` accepts a
 * program only when nothing is left. `Program<T>` (one parameter) leaves the effects
 * untracked: any program returning `T` is one, and every run accepts it
 * (docs/typed-effects.md).
 *
 * @example
 * ```ts
 * const double = fn(function* double(n: number) {
 *   return n * 2
 * })
 * const p: Program<number, never> = double(21) // nothing runs yet, nothing performed
 * run(p) // 42, and again: run(p) // 42
 * ```
 */
export class Program<T, E = Untracked> extends Instruction<T> {
  /** @hidden phantom: the effects `yield*` of this program adds to its caller's. */
  declare readonly effvmPerforms: E

  /** @internal */
  constructor(
    /** @internal PROGRAM_BODY, PROGRAM_WITH_HANDLER or PROGRAM_PURE. */
    readonly kind: number,
    /** @internal the generator function (body), or the pure value. */
    readonly body: unknown,
    /** @internal arguments for the body. */
    readonly args: readonly unknown[] | undefined,
    /** @internal name and definition site. */
    readonly def: ProgramDef,
    /** @internal the handler installed around `inner` (PROGRAM_WITH_HANDLER). */
    readonly handler: HandlerDef | undefined = undefined,
    /** @internal the body under the handler (PROGRAM_WITH_HANDLER). */
    readonly inner: Program<unknown> | undefined = undefined,
  ) {
    super()
  }

  /** The program's name, as tracebacks show it. */
  get name(): string {
    return this.def.name
  }

  /** @internal starts a fresh generator for this program. */
  start(): Generator<unknown, T, unknown> {
    return (this.body as (...args: unknown[]) => Generator<unknown, T, unknown>).apply(
      undefined,
      this.args as unknown[],
    )
  }
}
Object.defineProperty(Program.prototype, "effvmTag", { value: TAG_PROGRAM })

/**
 * Turns a generator function into a factory of programs. Each call gives a lazy
 * `Program<T, E>`, `E` inferred from what the body performs; each run of it starts a fresh
 * generator. The function's name and definition site are recorded for tracebacks.
 *
 * Recursion must call the factory (the `const`), not the generator function's own name:
 * the factory makes a machine frame, the raw generator would nest natively. TypeScript
 * cannot infer a type that refers to itself, so a recursive body states its return type,
 * effects included: `ProgramGenerator<T, E>` (docs/typed-effects.md).
 *
 * @example
 * ```ts
 * const countdown = fn(function* countdownStep(n: number): ProgramGenerator<number, never> {
 *   if (n === 0) return 0
 *   return 1 + (yield* countdown(n - 1))
 * })
 * run(countdown(1_000_000)) // 1000000, no stack overflow
 * ```
 */
export function fn<A extends unknown[], T, Y = Yielded>(
  body: (...args: A) => Generator<Y, T, unknown>,
): (...args: A) => Program<T, EffectsOf<Y>> {
  if (typeof body !== "function") {
    throw new TypeError(`fn() expects a generator function, got ${typeof body}`)
  }
  const def = new ProgramDef(body.name || "(anonymous)", captureSite())
  const factory = (...args: A) => new Program<T, EffectsOf<Y>>(PROGRAM_BODY, body, args, def)
  factories.set(factory, def)
  return factory
}

// Factories made by fn(), so that a factory passed where a program belongs is named as such.
const factories = new WeakMap<Function, ProgramDef>()

/** @internal the definition behind a factory `fn()` made, or `undefined` for any other value. */
export function factoryDef(value: unknown): ProgramDef | undefined {
  return typeof value === "function" ? factories.get(value) : undefined
}

/**
 * @internal How a value that is not a program reads in a message, with what to do about
 * it: an uncalled `fn` factory, a generator object (a generator function called without
 * `fn`), or anything else.
 */
export function notAProgramHint(value: unknown): string {
  const def = factoryDef(value)
  if (def !== undefined)
    return `the program factory ${def.name} (made by fn()), not a program: call it, e.g. ${def.name}(...)`
  if (isGeneratorObject(value))
    return "a generator object, not a program: a generator function must be wrapped with fn(...) or program(...) before it is called (const main = fn(function* main() {...}); main())"
  return `${describeValue(value)}, not a program`
}

function isGeneratorObject(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Iterator<unknown>).next === "function" &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === "function" &&
    Object.prototype.toString.call(value) === "[object Generator]"
  )
}

/**
 * A program with no arguments; its effects `E` are inferred from the body.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   return (yield* new Ask<number>("x")) + 1
 * })
 * ```
 */
export function program<T, Y = Yielded>(
  body: () => Generator<Y, T, unknown>,
): Program<T, EffectsOf<Y>> {
  if (typeof body !== "function") {
    throw new TypeError(`program() expects a generator function, got ${typeof body}`)
  }
  return new Program<T, EffectsOf<Y>>(
    PROGRAM_BODY,
    body,
    [],
    new ProgramDef(body.name || "program", captureSite()),
  )
}

/**
 * The escape hatch of typed effects: the same program (not a copy, no runtime cost), typed
 * `Program<T>`, whose effects are not tracked, so every run accepts it and every program
 * that performs it stops being tracked too. For gradual adoption, and for a program that
 * is meant to meet an unhandled effect (docs/typed-effects.md).
 *
 * @example
 * ```ts
 * const lonely = program(function* () { return yield* new Ask<string>("db") })
 * // @ts-expect-error: Ask<string> is unhandled
 * run(lonely)
 * run(untracked(lonely)) // compiles; throws UnhandledEffectError at runtime
 * ```
 */
export function untracked<T>(program: Program<T, unknown>): Program<T> {
  return program
}

const pureDef = new ProgramDef("pure", undefined)

/**
 * The program that returns `value` without performing anything.
 *
 * @example
 * ```ts
 * run(pure(42)) // 42
 * ```
 */
export function pure<T>(value: T): Program<T, never> {
  return new Program<T, never>(PROGRAM_PURE, value, undefined, pureDef)
}
