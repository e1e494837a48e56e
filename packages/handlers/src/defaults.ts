import type { HandlerDef, Untracked } from "@effvm/vm-core"
import { type LoggerOptions, type LogHandler, logger } from "./log.js"
import { type Ask, type Environment, reader } from "./reader.js"
import { type StateHandler, type StateStore, state } from "./state.js"
import { type WriterHandler, writer } from "./writer.js"

/**
 * Options of {@link defaultHandlers}.
 *
 * @example
 * ```ts
 * const options: DefaultHandlersOptions = { env: { region: "eu" }, state: { n: 0 }, log: { level: "info" } }
 * defaultHandlers(options)
 * ```
 */
export interface DefaultHandlersOptions {
  /** The reader's environment: an object or a `Map` (keys of any type). Default `{}`. */
  readonly env?: Environment
  /** Initial state values (copied), or a `Map` store to share. Default `{}`. */
  readonly state?: Record<string, unknown> | StateStore
  /** Options of the logger. */
  readonly log?: LoggerOptions
}

/**
 * The handlers of {@link defaultHandlers}: a list for `withHandlers`, each also by name.
 *
 * @example
 * ```ts
 * const hs: DefaultHandlers = defaultHandlers()
 * run(withHandlers(hs, main))
 * hs.state.snapshot()
 * ```
 */
export type DefaultHandlers = readonly [
  HandlerDef<Ask<Untracked>, never, never, unknown>,
  StateHandler,
  WriterHandler,
  LogHandler,
] & {
  readonly reader: HandlerDef<Ask<Untracked>, never, never, unknown>
  readonly state: StateHandler
  readonly writer: WriterHandler
  readonly log: LogHandler
}

/**
 * Fresh reader, state, writer and log handlers, as a list for `withHandlers` (or `run`'s
 * `handlers` option), outermost first. The list also names each one, so the state, what
 * was told and the log can be read back after the run. Each call makes new handlers with
 * their own stores.
 *
 * @example
 * ```ts
 * const hs = defaultHandlers({ env: { greeting: "hi" }, state: { visits: 0 } })
 * run(withHandlers(hs, main()))
 * hs.state.store.get("visits")
 * hs.writer.told
 * hs.log.entries
 * ```
 */
export function defaultHandlers(options: DefaultHandlersOptions = {}): DefaultHandlers {
  const r = reader(options.env ?? {})
  const s = state(options.state ?? {})
  const w = writer()
  const l = logger(options.log)
  return Object.assign([r, s, w, l] as const, { reader: r, state: s, writer: w, log: l })
}
