// How a program's effects E are inferred: fn, program, sub-programs, native yield*,
// recursion, generic programs, programs returned from functions. Compiled by
// `pnpm run typecheck` (tsc --noEmit); never run.
import {
  type Effect,
  fn,
  type Program,
  type ProgramGenerator,
  program,
  pure,
  run,
  type Untracked,
  untracked,
  type Yielded,
} from "@effvm/vm-core"
import { expectTypeOf } from "vitest"
import { type Anonymous, Ask, Audit, Ping, Tick } from "./effects.js"

// ── positive ──────────────────────────────────────────────────────────────────

// yield* of an effect adds the effect's type and evaluates to its answer.
const greet = fn(function* greet(name: string) {
  const greeting = yield* new Ask<string>("greeting")
  expectTypeOf(greeting).toEqualTypeOf<string>()
  return `${greeting}, ${name}`
})
expectTypeOf(greet).toEqualTypeOf<(name: string) => Program<string, Ask<string>>>()

// program() infers the same way.
const pinged = program(function* pinged() {
  return (yield* new Ping()).length
})
expectTypeOf(pinged).toEqualTypeOf<Program<number, Ping>>()

// A body that performs nothing performs never.
const quiet = program(function* quiet() {
  return 42
})
expectTypeOf(quiet).toEqualTypeOf<Program<number, never>>()
expectTypeOf(pure("x")).toEqualTypeOf<Program<string, never>>()

// Several effects make a union.
const both = program(function* both() {
  const a = yield* new Ask<number>("a")
  const t = yield* new Tick()
  return a + t
})
expectTypeOf(both).toEqualTypeOf<Program<number, Ask<number> | Tick>>()

// yield* sub(...) adds the sub-program's effects and evaluates to its value.
const caller = program(function* caller() {
  const text = yield* greet("ada")
  expectTypeOf(text).toEqualTypeOf<string>()
  yield* new Audit(text)
  return text.length
})
expectTypeOf(caller).toEqualTypeOf<Program<number, Ask<string> | Audit>>()

// Plain native generators delegated with yield* add their effects too.
function* helper(): Generator<Tick, number, unknown> {
  return (yield* new Tick()) * 2
}
function* inferredHelper() {
  yield* new Audit("helper ran")
  return "done"
}
const native = program(function* native() {
  const n = yield* helper()
  const s = yield* inferredHelper()
  expectTypeOf(n).toEqualTypeOf<number>()
  expectTypeOf(s).toEqualTypeOf<string>()
  return n
})
expectTypeOf(native).toEqualTypeOf<Program<number, Tick | Audit>>()

// Recursion: the body states its return type (the docs' form), effects included.
const countdown = fn(function* countdownStep(n: number): ProgramGenerator<number, Tick> {
  if (n === 0) return 0
  yield* new Tick()
  return 1 + (yield* countdown(n - 1))
})
expectTypeOf(countdown).returns.toEqualTypeOf<Program<number, Tick>>()

// Mutual recursion through two factories, both annotated.
const isEven = fn(function* isEvenStep(n: number): ProgramGenerator<boolean, Ping> {
  if (n === 0) return true
  return yield* isOdd(n - 1)
})
const isOdd = fn(function* isOddStep(n: number): ProgramGenerator<boolean, Ping> {
  if (n === 0) return false
  yield* new Ping()
  return yield* isEven(n - 1)
})
expectTypeOf(isOdd(3)).toEqualTypeOf<Program<boolean, Ping>>()

// The old annotation (Yielded) still compiles, untracked.
const legacy = fn(function* legacyStep(n: number): Generator<Yielded, number, unknown> {
  return n === 0 ? 0 : 1 + (yield* legacy(n - 1))
})
expectTypeOf(legacy).returns.toEqualTypeOf<Program<number>>()
run(legacy(3))

// Generic programs keep their type parameter in T and in E.
const lookup = <V>(key: string) =>
  program(function* lookup() {
    return yield* new Ask<V>(key)
  })
expectTypeOf(lookup<number>("n")).toEqualTypeOf<Program<number, Ask<number>>>()
const twice = fn(function* twice<V>(body: Program<V, Tick>) {
  const a = yield* body
  const b = yield* body
  return [a, b] as const
})
expectTypeOf(twice(countdown(1))).toEqualTypeOf<Program<readonly [number, number], Tick>>()

// A function that wraps a program passes its effects on when it says so.
function logged<T, E>(body: Program<T, E>) {
  return program(function* logged() {
    yield* new Audit("start")
    return yield* body
  })
}
expectTypeOf(logged(pinged)).toEqualTypeOf<Program<number, Audit | Ping>>()

// Programs returned from functions, stored in objects, chosen at runtime.
function pick(fast: boolean) {
  return fast ? pinged : both
}
expectTypeOf(pick(true)).toEqualTypeOf<
  Program<number, Ping> | Program<number, Ask<number> | Tick>
>()
const chosen = program(function* chosen() {
  return yield* pick(false)
})
expectTypeOf(chosen).toEqualTypeOf<Program<number, Ping | Ask<number> | Tick>>()

// Program<T> (one parameter) is untracked: every program returning T is one.
const anyEffects: Program<number> = both
expectTypeOf(anyEffects).toEqualTypeOf<Program<number, Untracked>>()
// and a program that performs it is untracked too
const wrapsUntracked = program(function* wrapsUntracked() {
  yield* new Ping()
  return yield* anyEffects
})
expectTypeOf(wrapsUntracked).toEqualTypeOf<Program<number, Untracked>>()

// A program that performs less fits where more is allowed.
const fewer: Program<number, Ping | Tick> = pinged
expectTypeOf(fewer).toEqualTypeOf<Program<number, Ping | Tick>>()

// untracked(): the escape hatch, the same program typed Program<T>.
expectTypeOf(untracked(both)).toEqualTypeOf<Program<number>>()

// An effect class without fields or identity, or a value typed as the base Effect, is untracked.
declare const anonymous: Anonymous
declare const someEffect: Effect<string>
const vague = program(function* vague() {
  yield* anonymous
  return yield* someEffect
})
expectTypeOf(vague).toEqualTypeOf<Program<string, Untracked>>()

// ── negative ──────────────────────────────────────────────────────────────────

// A program does not fit a type that allows fewer effects.
// @ts-expect-error Ask<number> is not among Ping
const notFewer: Program<number, Ping> = both
// @ts-expect-error a program that performs Ping is not one that performs nothing
const notPure: Program<number, never> = pinged
// @ts-expect-error the value type still matters
const wrongValue: Program<string, Ping> = pinged
const lying = fn(function* lyingStep(n: number): ProgramGenerator<number, Tick> {
  // @ts-expect-error a recursive body that states its effects must perform only those
  yield* new Ping()
  return n === 0 ? 0 : yield* lying(n - 1)
})
const lyingRecursion = fn(function* lyingRecursionStep(n: number): ProgramGenerator<number, never> {
  // @ts-expect-error a sub-program's effects must be among the stated ones
  return n === 0 ? 0 : yield* countdown(n - 1)
})

export {
  caller,
  chosen,
  fewer,
  isEven,
  lying,
  lyingRecursion,
  native,
  notFewer,
  notPure,
  quiet,
  wrongValue,
}
