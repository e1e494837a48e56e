import { Effect, type HandlerDef, handler, Transfer, type Untracked } from "@effvm/vm-core"
import { answerFromOutside } from "./missing.js"
import { perTaskState } from "./per-task-state.js"

/**
 * Reads the current value of state key `key`. `T` is the type of the value.
 *
 * @example
 * ```ts
 * const count = yield* new Get<number>("count")
 * ```
 */
export class Get<T = unknown> extends Effect<T> {
  declare protected readonly effectIdentity: unknown
  /** What the unhandled-effect message suggests. */
  static readonly unhandledHint =
    "state(initial) answers Get: run with { handlers: [state({ ... })] } or defaultHandlers({ state })."

  constructor(readonly key: string) {
    super()
  }
}

/**
 * Sets state key `key` to `value`. Answers `undefined`.
 *
 * @example
 * ```ts
 * yield* new Put("count", 0)
 * ```
 */
export class Put<T = unknown> extends Effect<void> {
  declare protected readonly effectIdentity: unknown
  /** What the unhandled-effect message suggests. */
  static readonly unhandledHint =
    "state(initial) answers Put: run with { handlers: [state({ ... })] } or defaultHandlers({ state })."

  constructor(
    readonly key: string,
    readonly value: T,
  ) {
    super()
  }
}

/**
 * Replaces the value of state key `key` with `f(old)` and answers the new value.
 *
 * @example
 * ```ts
 * const next = yield* new Modify<number>("count", (n) => n + 1)
 * ```
 */
export class Modify<T = unknown> extends Effect<T> {
  declare protected readonly effectIdentity: unknown
  /** What the unhandled-effect message suggests. */
  static readonly unhandledHint =
    "state(initial) answers Modify: run with { handlers: [state({ ... })] } or defaultHandlers({ state })."

  constructor(
    readonly key: string,
    /** Computes the new value from the old one. */
    readonly f: (old: T) => T,
  ) {
    super()
  }
}

/**
 * Performs `Get(key)`: `yield* get<T>(key)` evaluates to the key's current value.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   return (yield* get<number>("n")) + 1
 * })
 * run(withHandler(state({ n: 41 }), main)) // 42
 * ```
 */
export function get<T = unknown>(key: string): Get<T> {
  return new Get<T>(key)
}

/**
 * Performs `Put(key, value)`: sets the key in the nearest state handler.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   yield* put("n", 1)
 *   return yield* get<number>("n")
 * })
 * run(withHandler(state(), main)) // 1
 * ```
 */
export function put<T>(key: string, value: T): Put<T> {
  return new Put(key, value)
}

/**
 * Performs `Modify(key, f)`: replaces the key's value with `f(old)` and evaluates to the
 * new value. If `f` throws, the value is unchanged and the error is thrown at the perform
 * site.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   return yield* modify<number>("n", (n) => n * 2)
 * })
 * run(withHandler(state({ n: 21 }), main)) // 42
 * ```
 */
export function modify<T>(key: string, f: (old: T) => T): Modify<T> {
  return new Modify(key, f)
}

/**
 * Where a state handler keeps its values. Pass the same store to share state.
 *
 * @example
 * ```ts
 * const store: StateStore = new Map([["n", 0]])
 * run(withHandler(state(store), main))
 * store.get("n")
 * ```
 */
export type StateStore = Map<string, unknown>

/**
 * A state handler, with its store readable during and after the run.
 *
 * @example
 * ```ts
 * const s: StateHandler = state({ n: 0 })
 * run(withHandler(s, main))
 * s.snapshot() // { n: … }
 * ```
 */
export interface StateHandler
  extends HandlerDef<Get<Untracked> | Put<Untracked> | Modify<Untracked>, never, never, unknown> {
  /** The live store: every `Put` and `Modify` this handler answers writes here. */
  readonly store: StateStore
  /** A plain-object copy of the store as it is now. */
  snapshot(): Record<string, unknown>
}

/**
 * Options of {@link state}.
 *
 * @example
 * ```ts
 * const s = state({ count: 0, total: 0 }, { perTask: true, shared: ["total"] })
 * ```
 */
export interface StateOptions {
  /**
   * One partition of the state per scheduler task: a task's writes are its own. A new
   * task starts from a shallow copy of its parent's partition, taken at the spawn. Install
   * the handler outside `scheduled`.
   */
  readonly perTask?: boolean
  /** With `perTask`: keys every task shares (read and written in `store`). */
  readonly shared?: readonly string[]
}

/**
 * The keyed state handler: answers `Get`, `Put` and `Modify` from its store.
 *
 * - `state({ n: 0 })` makes a fresh store, a copy of the object's own keys (the object is
 *   never written). `state(store)` with a `Map` uses that store itself: that is how two
 *   handlers or two runs share state. Nothing else is shared; the store belongs to the
 *   handler value, so re-running a program that holds the same handler value sees that
 *   handler's writes (build the program in a function for a fresh store per run).
 * - Read it after the run with `s.store.get(key)` or `s.snapshot()`.
 * - `Put` always writes to the nearest state handler (it holds every key put under it).
 *   `Get` and `Modify` of a key it does not hold go to the state handlers outside; if none
 *   holds the key, a {@link MissingKeyError} naming it is thrown at the perform site.
 * - No rollback: a write stays when a later error unwinds past it (also inside `attempt`).
 *
 * A fast-path handler: `Get`, `Put` and `Modify` of a held key allocate no generator.
 *
 * Per task (`state(initial, { perTask: true, shared: ["total"] })`): each scheduler task
 * has its own partition, a shallow copy of its parent's taken at the spawn; the `shared`
 * keys are one value for all tasks, kept in `store`. Code outside every task reads and
 * writes `store`, and the root task starts from it. See docs/control-plane.md.
 *
 * @example
 * ```ts
 * const counter = state({ n: 0 })
 * run(withHandler(counter, program(function* main() { yield* modify<number>("n", (n) => n + 1) })))
 * counter.store.get("n") // 1
 * counter.snapshot() // { n: 1 }
 * ```
 */
export function state(
  initial: Record<string, unknown> | StateStore = {},
  options?: StateOptions,
): StateHandler {
  if (initial === null || typeof initial !== "object") {
    throw new TypeError(
      `state(initial) expects an object of initial values or a Map store, got ${initial === null ? "null" : typeof initial}`,
    )
  }
  const store: StateStore = initial instanceof Map ? initial : new Map(Object.entries(initial))
  if (options !== undefined && checkStateOptions(options)) {
    return perTaskState(store, options.shared ?? [])
  }
  const keys = () => store.keys()
  const def = handler(
    function keyedState(eff: Get<unknown> | Put<unknown> | Modify<unknown>, k) {
      const key = eff.key
      if (eff instanceof Get) {
        const value = store.get(key)
        if (value !== undefined || store.has(key)) return Transfer(k, value)
        return answerFromOutside(eff, k, "state", keys)
      }
      if (eff instanceof Put) {
        store.set(key, eff.value)
        return Transfer(k, undefined)
      }
      if (!store.has(key)) return answerFromOutside(eff, k, "state", keys)
      const next = eff.f(store.get(key))
      store.set(key, next)
      return Transfer(k, next)
    },
    { handles: [Get, Put, Modify], name: "state" },
  )
  return Object.assign(def, { store, snapshot: () => Object.fromEntries(store) }) as StateHandler
}

/** Throws a TypeError for bad options; true when a per-task handler is asked for. */
function checkStateOptions(options: StateOptions): boolean {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `state(initial, options): options must be an object, got ${String(options)}`,
    )
  }
  const { perTask, shared } = options
  if (perTask !== undefined && typeof perTask !== "boolean") {
    throw new TypeError(
      `state(initial, { perTask }): perTask must be a boolean, got ${String(perTask)}`,
    )
  }
  if (shared !== undefined) {
    if (!Array.isArray(shared) || !shared.every((key) => typeof key === "string")) {
      throw new TypeError("state(initial, { shared }): shared must be an array of key names")
    }
    if (perTask !== true) {
      throw new TypeError(
        "state(initial, { shared }): shared keys only mean something per task; add perTask: true",
      )
    }
  }
  return perTask === true
}
