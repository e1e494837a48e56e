import { Effect } from "../effect.js"
import { originOf } from "./origin.js"

/**
 * One fact about an error, added by a handler during enrichment.
 *
 * @example
 * ```ts
 * handler(function* requestId(eff: GetExecutionContext, k) {
 *   const entry: ContextEntry = { kind: "request", id: "r-17" }
 *   eff.context.add(entry)
 *   return yield* Transfer(k, eff.context)
 * }, { handles: [GetExecutionContext] })
 * ```
 */
export interface ContextEntry {
  /** What sort of fact this is, e.g. `"spawn_boundary"` or `"request"`. */
  readonly kind: string
  readonly [field: string]: unknown
}

/**
 * The ordered facts handlers attached to an error while it was dispatched (docs/semantics.md §5).
 *
 * @example
 * ```ts
 * handler(function* requestInfo(eff, k) {
 *   if (!(eff instanceof GetExecutionContext)) return yield* Pass()
 *   eff.context.add({ kind: "request", id: "r-42" })
 *   return yield* Transfer(k, eff.context)
 * })
 * ```
 */
export class ExecutionContext {
  readonly entries: ContextEntry[] = []

  /** Appends an entry (a plain object with a string `kind`); returns the context. */
  add(entry: ContextEntry): this {
    if (entry === null || typeof entry !== "object" || typeof entry.kind !== "string") {
      throw new TypeError(
        `ExecutionContext.add expects a plain object with a string 'kind', got ${entry === null ? "null" : typeof entry}`,
      )
    }
    this.entries.push(entry)
    return this
  }
}

/**
 * The effect the machine performs when user code throws: handlers may add entries to
 * `context` and resume with it. Also performable by user code, where it evaluates to the
 * context (its own, when no handler answers).
 *
 * @example
 * ```ts
 * const ctx = yield* new GetExecutionContext(new Error("probe"))
 * ctx.entries // what the handlers in scope add
 * ```
 */
export class GetExecutionContext extends Effect<ExecutionContext> {
  declare protected readonly effectIdentity: unknown
  /** @hidden phantom: never unhandled (it evaluates to its own context), so never left unanswered. */
  declare readonly effvmPerforms: never
  constructor(
    readonly error: unknown,
    readonly context: ExecutionContext = new ExecutionContext(),
  ) {
    super()
  }
}

const contextKey: unique symbol = Symbol.for("effvm.executionContext")
const settledKey: unique symbol = Symbol.for("effvm.noEnrich")

/**
 * The context attached to `error` by the error dispatch, or `undefined` if it was never
 * enriched.
 *
 * @example
 * ```ts
 * try { run(main()) } catch (e) { getExecutionContext(e)?.entries }
 * ```
 */
export function getExecutionContext(error: unknown): ExecutionContext | undefined {
  if (error === null || typeof error !== "object") return undefined
  return (error as { [contextKey]?: ExecutionContext })[contextKey]
}

/** @internal attaches the dispatch's context to the error object itself. */
export function attachContext(error: unknown, context: ExecutionContext): void {
  defineHidden(error, contextKey, context)
}

/** @internal marks an error that must not start a dispatch (docs/semantics.md §5: sites, once). */
export function settle(error: unknown): void {
  if (error === null || typeof error !== "object" || settledKey in error) return
  // Most errors already carry their origin: a flag there saves a second defineProperty (W6).
  const origin = originOf(error)
  if (origin !== undefined) origin.settled = true
  else defineHidden(error, settledKey, true)
}

/**
 * @internal marks every instance of a class settled at once, on its prototype: `settle`
 * then returns at its first check instead of defining a property on each error.
 */
export function settleInstancesOf(prototype: object): void {
  defineHidden(prototype, settledKey, true)
}

/** @internal whether `error` may start an enrichment dispatch. */
export function isSettled(error: object): boolean {
  return settledKey in error || contextKey in error || originOf(error)?.settled === true
}

function defineHidden(target: unknown, key: symbol, value: unknown): void {
  if (target === null || typeof target !== "object") return
  try {
    Object.defineProperty(target, key, {
      value,
      configurable: true,
      enumerable: false,
      writable: true,
    })
  } catch {
    // A frozen error cannot carry facts; it is still thrown unchanged.
  }
}
