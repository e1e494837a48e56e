/**
 * Values crossing a journal: JSON data as itself, and a tagged object (`{ "$": tag, … }`)
 * for what JSON cannot hold: `undefined`, `bigint`, non-finite numbers and -0, `Date`,
 * `Map`, `Set`, `Uint8Array`, errors, and plain objects that have a `$` key of their own.
 * Anything else (functions, symbols, class instances, cycles) cannot cross: `encode` throws
 * a `TypeError` naming what was being journaled and the path of the field. (An error's own
 * field that cannot cross is kept as its description, `"[Cause object]"`: an error must
 * always be journaled.)
 */

/**
 * A value as the journal stores it: JSON data.
 *
 * @example
 * ```ts
 * const stored: Encoded = encode(new Date(0), "a date") // { $: "date", v: 0 }
 * ```
 */
export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded }

/** The fields an error keeps besides its own enumerable ones. */
const ERROR_KEYS = new Set(["name", "message", "stack", "cause"])

/**
 * Encodes `value` for the journal; `what` names it in errors (e.g. `the answer to Fetch("a")`).
 *
 * @example
 * ```ts
 * encode(new Map([["a", 1n]]), "the answer") // { $: "map", v: [["a", { $: "bigint", v: "1" }]] }
 * ```
 */
export function encode(value: unknown, what: string | (() => string)): Encoded {
  // The common answers (strings, finite numbers, booleans, null) cost one switch.
  switch (typeof value) {
    case "string":
    case "boolean":
      return value
    case "number":
      if (Number.isFinite(value) && !Object.is(value, -0)) return value
      break
    case "object":
      if (value === null) return null
  }
  return encodeAt(value, what, "", new Set())
}

function encodeAt(
  value: unknown,
  what: string | (() => string),
  path: string,
  seen: Set<object>,
): Encoded {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value
    case "number":
      if (Number.isFinite(value) && !Object.is(value, -0)) return value
      return { $: "number", v: String(Object.is(value, -0) ? "-0" : value) }
    case "undefined":
      return { $: "undefined" }
    case "bigint":
      return { $: "bigint", v: value.toString() }
    case "object":
      break
    default:
      throw cannotCross(
        what,
        path,
        typeof value === "function" ? `a function` : `a ${typeof value}`,
      )
  }
  if (value === null) return null
  if (seen.has(value)) throw cannotCross(what, path, "a cycle (the value contains itself)")
  seen.add(value)
  try {
    if (Array.isArray(value)) {
      const out: Encoded[] = []
      for (let i = 0; i < value.length; i++)
        out.push(encodeAt(value[i], what, `${path}[${i}]`, seen))
      return out
    }
    if (value instanceof Date) return { $: "date", v: value.getTime() }
    if (value instanceof Map) {
      const entries: Encoded[] = []
      let i = 0
      for (const [k, v] of value) {
        entries.push([
          encodeAt(k, what, `${path}.<key ${i}>`, seen),
          encodeAt(v, what, `${path}.get(${describeKey(k)})`, seen),
        ])
        i++
      }
      return { $: "map", v: entries }
    }
    if (value instanceof Set) {
      const items: Encoded[] = []
      let i = 0
      for (const v of value) items.push(encodeAt(v, what, `${path}.<item ${i++}>`, seen))
      return { $: "set", v: items }
    }
    if (value instanceof Uint8Array && value.constructor === Uint8Array) {
      return {
        $: "bytes",
        v: Buffer.from(value.buffer, value.byteOffset, value.length).toString("base64"),
      }
    }
    if (value instanceof Error) return encodeError(value, what, path, seen)
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as object).constructor?.name ?? "unknown class"
      throw cannotCross(what, path, `an instance of ${name}`)
    }
    const out: { [key: string]: Encoded } = {}
    for (const key of Object.keys(value)) {
      out[key] = encodeAt((value as Record<string, unknown>)[key], what, `${path}.${key}`, seen)
    }
    return "$" in out ? { $: "object", v: out } : out
  } finally {
    seen.delete(value)
  }
}

function encodeError(
  error: Error,
  what: string | (() => string),
  path: string,
  seen: Set<object>,
): Encoded {
  const out: { [key: string]: Encoded } = {
    $: "error",
    name: String(error.name),
    message: String(error.message),
  }
  if (typeof error.stack === "string") out.stack = error.stack
  if ("cause" in error) out.cause = encodeAt(error.cause, what, `${path}.cause`, seen)
  if (error instanceof AggregateError && Array.isArray(error.errors)) {
    out.errors = error.errors.map((e, i) => encodeAt(e, what, `${path}.errors[${i}]`, seen))
  }
  const fields: { [key: string]: Encoded } = {}
  let any = false
  for (const key of Object.keys(error)) {
    if (ERROR_KEYS.has(key) || key === "errors") continue
    const field = (error as unknown as Record<string, unknown>)[key]
    try {
      fields[key] = encodeAt(field, what, `${path}.${key}`, seen)
    } catch {
      // An error's own field that cannot cross (a library's cause object, say) is kept as
      // its description: the error itself must always be journaled.
      fields[key] = { $: "opaque", v: describeOpaque(field) }
    }
    any = true
  }
  if (any) out.fields = fields
  return out
}

function describeKey(key: unknown): string {
  return typeof key === "string" ? JSON.stringify(key) : String(key)
}

function cannotCross(what: string | (() => string), path: string, kind: string): TypeError {
  if (typeof what === "function") what = what()
  const at = path === "" ? "" : ` at ${path.startsWith(".") ? path.slice(1) : path}`
  return new TypeError(
    `Cannot journal ${what}: the value${at} is ${kind}. Values crossing a journal are JSON data, undefined, bigint, Date, Map, Set, Uint8Array and errors.`,
  )
}

/**
 * Restores a value `encode` made. Errors come back as `Error` objects (an `AggregateError`
 * when the original had `errors`) with the original's `name`, `message`, `stack`, `cause`
 * and own fields.
 *
 * @example
 * ```ts
 * decode(encode(new Date(0), "a date")) // Date 1970-01-01T00:00:00.000Z
 * ```
 */
export function decode(value: Encoded): unknown {
  if (typeof value !== "object" || value === null) return value
  if (Array.isArray(value)) return value.map(decode)
  const tag = value.$
  if (tag === undefined) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value)) out[key] = decode(value[key]!)
    return out
  }
  switch (tag) {
    case "undefined":
      return undefined
    case "number":
      return value.v === "-0" ? -0 : Number(value.v)
    case "bigint":
      return BigInt(value.v as string)
    case "date":
      return new Date(value.v as number)
    case "map":
      return new Map((value.v as Encoded[][]).map(([k, v]) => [decode(k!), decode(v!)]))
    case "set":
      return new Set((value.v as Encoded[]).map(decode))
    case "bytes":
      return new Uint8Array(Buffer.from(value.v as string, "base64"))
    case "object": {
      const inner = value.v as { [key: string]: Encoded }
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(inner)) out[key] = decode(inner[key]!)
      return out
    }
    case "error":
      return decodeError(value)
    case "opaque":
      return `[${String(value.v)}]`
    default:
      throw new TypeError(
        `Unknown journal value tag ${JSON.stringify(tag)}: the journal is damaged or from a newer effvm.`,
      )
  }
}

function decodeError(value: { [key: string]: Encoded }): Error {
  const message = String(value.message ?? "")
  const error: Error =
    value.errors !== undefined
      ? new AggregateError((value.errors as Encoded[]).map(decode), message)
      : new Error(message)
  Object.defineProperty(error, "name", {
    value: String(value.name ?? "Error"),
    writable: true,
    configurable: true,
    enumerable: false,
  })
  if (typeof value.stack === "string") {
    Object.defineProperty(error, "stack", {
      value: value.stack,
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  if ("cause" in value) {
    Object.defineProperty(error, "cause", {
      value: decode(value.cause!),
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  const fields = value.fields as { [key: string]: Encoded } | undefined
  if (fields !== undefined)
    for (const key of Object.keys(fields))
      (error as unknown as Record<string, unknown>)[key] = decode(fields[key]!)
  return error
}

/**
 * A lenient rendering of an effect for matching a replayed perform against its entry:
 * its class name and its own fields, where a field the journal cannot hold (a function, a
 * class instance) is named by its kind instead of failing the record.
 *
 * @example
 * ```ts
 * effectShape(new Fetch("/a")) // { class: "Fetch", fields: { url: "/a" } }
 * ```
 */
export function effectShape(effect: object): {
  readonly class: string
  readonly fields: Encoded
} {
  if (!hasOwnFields(effect)) return fieldlessShape(effect)
  const fields: { [key: string]: Encoded } = {}
  for (const key of Object.keys(effect)) {
    const v = (effect as Record<string, unknown>)[key]
    try {
      fields[key] = encode(v, "an effect field")
    } catch {
      fields[key] = { $: "opaque", v: describeOpaque(v) }
    }
  }
  return { class: effect.constructor?.name ?? "Effect", fields }
}

/**
 * Whether `effect` has an own enumerable field. (A `for … in` allocates nothing, where
 * `Object.keys` makes an array per effect: this runs once per recorded effect.)
 */
export function hasOwnFields(effect: object): boolean {
  for (const key in effect) if (Object.hasOwn(effect, key)) return true
  return false
}

/** The fields of every effect that has none (so its shape is one object per class). */
const NO_FIELDS: Encoded = Object.freeze({}) as Encoded

/**
 * Whether `shape` is the one shape `effectShape` gives every effect of its class (the
 * class has no fields), so a journal may store it once for all of them.
 *
 * @example
 * ```ts
 * isClassShape(effectShape(new Tick())) // true: a Tick has no fields
 * ```
 */
export function isClassShape(shape: { readonly fields: Encoded }): boolean {
  return shape.fields === NO_FIELDS
}

/** Shapes of effects without fields, one per class (most outside effects of a hot loop). */
const fieldless = new WeakMap<object, { readonly class: string; readonly fields: Encoded }>()

let lastClass: unknown = null
let lastShape: { readonly class: string; readonly fields: Encoded } | undefined

function fieldlessShape(effect: object): { readonly class: string; readonly fields: Encoded } {
  const c = effect.constructor ?? Object
  if (c === lastClass) return lastShape!
  lastClass = c
  lastShape = fieldless.get(c)
  if (lastShape !== undefined) return lastShape
  let shape = fieldless.get(c)
  if (shape === undefined) {
    shape = Object.freeze({ class: c.name ?? "Effect", fields: NO_FIELDS })
    fieldless.set(c, shape)
  }
  lastShape = shape
  return shape
}

function describeOpaque(v: unknown): string {
  if (typeof v === "function") return `function ${v.name || "(anonymous)"}`
  if (typeof v === "object" && v !== null) return `${v.constructor?.name ?? "object"} object`
  return typeof v
}
