/** A short rendering of a bad argument for messages. */
export function describeInput(value: unknown): string {
  if (value === null) return "null"
  if (typeof value === "object")
    return value.constructor?.name ? `a ${value.constructor.name}` : "an object"
  if (typeof value === "function")
    return `function ${value.name || "(anonymous)"} (did you pass the factory instead of calling it?)`
  return typeof value === "string" ? JSON.stringify(value) : String(value)
}
