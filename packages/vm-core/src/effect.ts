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
 * Messages and tracebacks show an effect as `Name(field, …)`, or by its `toString()` when
 * its class defines one. A class may carry a static `unhandledHint`, the advice an
 * unhandled-effect message ends with (subclasses inherit it).
 *
 * @example
 * ```ts
 * class Ask<T> extends Effect<T> {
 *   declare protected readonly effectIdentity: unknown
 *   static readonly unhandledHint = "Run with { handlers: [reader({ ... })] }."
 *   constructor(readonly key: string) { super() }
 * }
 * const greet = fn(function* greet(name: string) {
 *   const greeting = yield* new Ask<string>("greeting")
 *   return `${greeting}, ${name}`
 * }) // (name: string) => Program<string, Ask<string>>
 * ```
 */
export abstract class Effect<R = unknown> extends Instruction<R> {
  /** @hidden phantom: keeps `R` in the type so `Effect<string>` is not `Effect<number>`. */
  declare readonly effvmAnswer: R
  /** @hidden phantom: an effect is not structurally any other instruction. */
  declare protected readonly effvmEffect: undefined
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
 * class's own `toString()` when it defines one (`sleep(50 ms)`, `cancel(task 4 "leaf")`).
 */
export function describeEffect(effect: unknown): string {
  if (effect === null || typeof effect !== "object") return describeValue(effect)
  // An effect class may say how it reads (`gather(2 items)`) by defining toString().
  if (effect.toString !== Object.prototype.toString) return String(effect)
  const name = (effect as object).constructor?.name ?? "Effect"
  const args = Object.values(effect as object).map((v) => describeValue(v))
  return `${name}(${args.join(", ")})`
}

/** How long a rendered value may grow before it is cut with `…`. */
const VALUE_BUDGET = 60

/**
 * A short, safe rendering of any value for error messages and tracebacks: strings quoted,
 * arrays and plain objects by content (`[1, 2]`, `{ code: 42 }`), objects whose class
 * defines `toString()` by it (`task 3 "worker"`), other class instances by class name; all
 * cut to a bounded length.
 */
export function describeValue(value: unknown, budget = VALUE_BUDGET): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)
    case "function":
      return `function ${value.name || "(anonymous)"}`
    case "object":
      return value === null ? "null" : describeObject(value, budget, 0)
    case "bigint":
      return `${value}n`
    case "symbol":
      return value.toString()
    default:
      return String(value)
  }
}

function describeObject(value: object, budget: number, depth: number): string {
  if (Array.isArray(value)) {
    if (depth > 1) return value.length === 0 ? "[]" : `[…${value.length} items]`
    return bounded(
      "[",
      value.map((v) => nested(v, depth)),
      "]",
      budget,
    )
  }
  const proto = Object.getPrototypeOf(value) as object | null
  if (proto === null || proto === Object.prototype) {
    if (depth > 1) return "{…}"
    const keys = Object.keys(value)
    if (keys.length === 0) return "{}"
    const parts = keys.map(
      (k) =>
        `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${nested((value as Record<string, unknown>)[k], depth)}`,
    )
    return bounded("{ ", parts, " }", budget)
  }
  if (value instanceof Error) return cut(`${value.name}: ${value.message}`, budget)
  const own = (value as { toString?: unknown }).toString
  if (typeof own === "function" && own !== Object.prototype.toString) {
    try {
      return cut(String(value), budget)
    } catch {
      // a toString that throws: fall back to the class name
    }
  }
  const name = value.constructor?.name
  return name && name !== "Object" ? `${name} object` : "object"
}

function nested(value: unknown, depth: number): string {
  return value !== null && typeof value === "object"
    ? describeObject(value, VALUE_BUDGET, depth + 1)
    : describeValue(value)
}

/** `open` + the parts joined + `close`, the parts that do not fit replaced by `…`. */
function bounded(open: string, parts: string[], close: string, budget: number): string {
  let text = ""
  for (let i = 0; i < parts.length; i++) {
    const next = text === "" ? parts[i]! : `${text}, ${parts[i]}`
    if (next.length > budget && i > 0) return `${open}${text}, …${close}`
    text = next
  }
  return `${open}${cut(text, budget)}${close}`
}

function cut(text: string, budget: number): string {
  return text.length > budget ? `${text.slice(0, budget - 1)}…` : text
}
