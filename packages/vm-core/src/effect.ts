import { Instruction, TAG_EFFECT } from "./instruction.js"

/**
 * Base class of every effect. `R` is the type of the answer a handler gives.
 *
 * An effect instance is yieldable: `yield* eff` performs it and evaluates to the answer,
 * and adds the effect's type to the program's effects (`Program<T, E>`). Effects carry
 * their arguments as fields; handlers recognise them with `instanceof`.
 *
 * TypeScript compares classes by their fields, so two effect classes of the same shape
 * would be one type; the line `declare protected readonly effectIdentity: unknown` gives
 * a class its own identity (no runtime cost; docs/typed-effects.md).
 *
 * @example
 * ```ts
 * class Ask<T> extends Effect<T> {
 *   declare protected readonly effectIdentity: unknown
 *   constructor(readonly key: string) { super() }
 * }
 * const greet = fn(function* greet(name: string) {
 *   const greeting = yield* new Ask<string>("greeting")
 *   return `${greeting}, ${name}`
 * }) // (name: string) => Program<string, Ask<string>>
 * ```
 */
export abstract class Effect<R = unknown> extends Instruction<R> {
  /** @internal phantom: keeps `R` in the type so `Effect<string>` is not `Effect<number>`. */
  declare readonly effvmAnswer: R
  /** @internal phantom: an effect is not structurally any other instruction. */
  declare protected readonly effvmEffect: undefined
}
Object.defineProperty(Effect.prototype, "effvmTag", { value: TAG_EFFECT })

/**
 * A constructor of effects, as `handles` declarations take them.
 *
 * @example
 * ```ts
 * const answered: readonly EffectClass[] = [Ask, Get]
 * handler((eff, k) => Transfer(k, lookup(eff)), { handles: answered })
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters of user effect classes vary
export type EffectClass = abstract new (...args: any[]) => Effect<unknown>

/**
 * Renders an effect as `Name(arg, …)` from its own fields, for messages, or with its
 * class's own `toString()` when it defines one.
 */
export function describeEffect(effect: unknown): string {
  if (effect === null || typeof effect !== "object") return describeValue(effect)
  // An effect class may say how it reads (`gather(2 items)`) by defining toString().
  if (effect.toString !== Object.prototype.toString) return String(effect)
  const name = (effect as object).constructor?.name ?? "Effect"
  const args = Object.values(effect as object).map(describeValue)
  return `${name}(${args.join(", ")})`
}

/** A short, safe rendering of any value for error messages. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)
    case "function":
      return `function ${value.name || "(anonymous)"}`
    case "object": {
      if (value === null) return "null"
      if (Array.isArray(value)) return `array(${value.length})`
      const name = value.constructor?.name
      return name && name !== "Object" ? `${name} object` : "object"
    }
    case "bigint":
      return `${value}n`
    case "symbol":
      return value.toString()
    default:
      return String(value)
  }
}
