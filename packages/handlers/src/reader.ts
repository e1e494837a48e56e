import {
  Effect,
  type HandlerDef,
  handler,
  Pass,
  type Program,
  Transfer,
  withHandler,
} from "@effvm/vm-core"
import { answerLazy, Lazy } from "./lazy.js"
import { answerFromOutside, keyText } from "./missing.js"

/**
 * Reads the value of `key` from the environment a {@link reader} (or {@link local})
 * provides. `T` is the type of the answer.
 *
 * @example
 * ```ts
 * const greet = fn(function* greet(name: string) {
 *   const greeting = yield* new Ask<string>("greeting")
 *   return `${greeting}, ${name}`
 * })
 * ```
 */
export class Ask<T = unknown> extends Effect<T> {
  constructor(
    /**
     * The key: a string for an object environment, any value for a `Map` environment. Typed
     * `any` so that handlers written for string keys (`env[eff.key]`) keep compiling.
     */
    // biome-ignore lint/suspicious/noExplicitAny: a Map environment's keys may be of any type
    readonly key: any,
  ) {
    super()
  }
}

/**
 * Performs `Ask(key)`: `yield* ask<T>(key)` evaluates to the environment's value. The key is
 * a string, or any value when the reader's environment is a `Map`.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const url = yield* ask<string>("url")
 *   return url.length
 * })
 * run(withHandler(reader({ url: "https://example.org" }), main)) // 19
 * ```
 */
export function ask<T = unknown>(key: unknown): Ask<T> {
  return new Ask<T>(key)
}

/**
 * What `reader` and `local` take: an object of values by key, or a `Map` whose keys may be
 * of any type (objects, symbols, numbers…), matched as `Map` matches them.
 *
 * @example
 * ```ts
 * const Db = Symbol("db")
 * const env: Environment = new Map<unknown, unknown>([[Db, conn], ["user", "ada"]])
 * run(withHandler(reader(env), main()))
 * ```
 */
export type Environment = Readonly<Record<string, unknown>> | ReadonlyMap<unknown, unknown>

/** The environment as a handler holds it: a snapshot of the object's own keys, or of the Map. */
function snapshot(env: Environment, caller: string): Map<unknown, unknown> {
  if (env instanceof Map) return new Map(env)
  if (env === null || typeof env !== "object") {
    throw new TypeError(
      `${caller} expects an object of values, e.g. { db: conn }, or a Map, got ${env === null ? "null" : typeof env === "string" ? `the string ${JSON.stringify(env)}` : typeof env}`,
    )
  }
  return new Map(Object.entries(env))
}

/**
 * A fast-path handler answering `Ask` for the keys of `values`. A miss either asks the
 * handlers outside and reports a MissingKeyError if none has the key (a reader: it may be
 * the outermost one), or passes the effect on untouched (a local: it only overrides).
 */
function readerHandler(
  values: Map<unknown, unknown>,
  name: string,
  missing: "ask outside" | "pass",
): HandlerDef {
  if (missing === "pass") {
    const def: HandlerDef = handler(
      function readOverride(eff: Ask<unknown>, k) {
        const value = values.get(eff.key)
        if (value instanceof Lazy) return answerLazy(value, eff.key, k, def)
        if (value !== undefined || values.has(eff.key)) return Transfer(k, value)
        // Pass keeps a miss on the fast path: W1 asking an outer key under one local costs
        // 1.4x W1's fast-path figure this way, 5.2x with a delegating generator.
        return Pass()
      },
      { handles: [Ask], name },
    )
    return def
  }
  const keys = () => [...values.keys()].map(keyText)
  const def: HandlerDef = handler(
    function readFromEnv(eff: Ask<unknown>, k) {
      const value = values.get(eff.key)
      if (value instanceof Lazy) return answerLazy(value, eff.key, k, def)
      if (value !== undefined || values.has(eff.key)) return Transfer(k, value)
      return answerFromOutside(eff, k, "reader", keys)
    },
    { handles: [Ask], name },
  )
  return def
}

/**
 * The reader handler: answers `Ask(key)` from `env`, an object or a `Map` (keys of any
 * type). It takes a snapshot of `env`'s own keys when it is made (later changes to the
 * object are not seen). A value made by {@link lazy} is computed on its first ask. An `Ask` for a key it
 * lacks goes to the handlers outside it, so readers nest; if none of them has the key, a
 * {@link MissingKeyError} naming it is thrown at the perform site. A fast-path handler:
 * a hit allocates no generator.
 *
 * @example
 * ```ts
 * run(withHandler(reader({ greeting: "hi" }), greet("ada"))) // "hi, ada"
 * ```
 */
export function reader(env: Environment): HandlerDef {
  return readerHandler(snapshot(env, "reader(env)"), "reader", "ask outside")
}

/**
 * Runs `body` with the keys of `env` overriding the environment, for `body` only. An `Ask`
 * for any other key is passed on untouched to the handlers outside (a reader must be
 * installed outside for those; the reader reports a missing key). The override ends with `body`,
 * however it ends: returning, throwing (e.g. inside {@link attempt}) or being abandoned.
 *
 * `local(env, body)` is a plain program (a reader around `body`), so `body` runs at the
 * perform site and sees every handler between it and the outer reader.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   const inner = yield* local({ user: "guest" }, program(function* () { return yield* ask("user") }))
 *   const outer = yield* ask("user")
 *   return [inner, outer]
 * })
 * run(withHandler(reader({ user: "ada" }), main)) // ["guest", "ada"]
 * ```
 */
export function local<T>(env: Environment, body: Program<T>): Program<T> {
  return withHandler(readerHandler(snapshot(env, "local(env, body)"), "local", "pass"), body)
}
