import { describeValue, factoryDef, notAProgramHint } from "@effvm/vm-core/internal"

/**
 * A short rendering of a bad argument for messages: `an array [1, "x"]`, `a Map`, `an object
 * { a: 1 }`; a function says what to do when it is an uncalled program factory.
 */
export function describeInput(value: unknown): string {
  if (value === null) return "null"
  if (Array.isArray(value)) return `an array ${describeValue(value)}`
  if (typeof value === "object") {
    const name = value.constructor?.name
    if (!name || name === "Object") return `an object ${describeValue(value)}`
    if (Object.prototype.toString.call(value) === "[object Generator]")
      return notAProgramHint(value)
    return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`
  }
  if (typeof value === "function") {
    const factory = factoryDef(value)
    const name = `function ${value.name || factory?.name || "(anonymous)"}`
    return factory === undefined
      ? name
      : `${name}, a program factory made by fn() (did you pass the factory instead of calling it? call it, e.g. ${factory.name}(...))`
  }
  return typeof value === "string" ? JSON.stringify(value) : String(value)
}
