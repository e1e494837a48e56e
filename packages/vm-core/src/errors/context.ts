import { Effect } from "../effect.js"
import { factsFor, factsOf } from "./facts.js"

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
  return factsOf(error)?.context
}

/** @internal attaches the dispatch's context to the error's facts. */
export function attachContext(error: unknown, context: ExecutionContext): void {
  const facts = factsFor(error)
  if (facts !== undefined) facts.context = context
}

/** @internal marks an error that must not start a dispatch (docs/semantics.md §5: sites, once). */
export function settle(error: unknown): void {
  const facts = factsFor(error)
  if (facts !== undefined) facts.settled = true
}

/**
 * @internal whether `error` may no longer start an enrichment dispatch: settled, or
 * enriched already. (An `Interrupt` never starts one either: the dispatch checks its class.)
 */
export function isSettled(error: object): boolean {
  const facts = factsOf(error)
  return facts !== undefined && (facts.settled || facts.context !== undefined)
}
