import { Instruction, TAG_EFFECT } from "./instruction.js"

/**
 * Base class of every effect. `R` is the type of the answer a handler gives.
 *
 * An effect instance is yieldable: `yield* eff` performs it and evaluates to the answer.
 * Effects carry their arguments as fields; handlers recognise them with `instanceof`.
 *
 * @example
 * ```ts
 * class Ask<T> extends Effect<T> { constructor(readonly key: string) { super() } }
 * const greet = fn(function* greet(name: string) {
 *   const greeting = yield* new Ask<string>("greeting")
 *   return `${greeting}, ${name}`
 * })
 * ```
 */
export abstract class Effect<R = unknown> extends Instruction<R> {
  /** @internal phantom: keeps `R` in the type so `Effect<string>` is not `Effect<number>`. */
  declare readonly effvmAnswer?: R
}
Object.defineProperty(Effect.prototype, "effvmTag", { value: TAG_EFFECT })

/**
 * A constructor of effects, as `handles` declarations take them.
 *
 * @example
 * ```ts
 * const answered: readonly EffectClass[] = [Ask, Get]
 * handler((eff, k) => Transfer(k, eff instanceof Ask ? env[eff.key] : undefined), { handles: answered })
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
