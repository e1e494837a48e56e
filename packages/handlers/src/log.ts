import { Effect, type HandlerDef, handler, Transfer } from "@effvm/vm-core"

/**
 * Log levels, least severe first.
 *
 * @example
 * ```ts
 * const level: LogLevel = "warn"
 * logger({ level })
 * ```
 */
export type LogLevel = "debug" | "info" | "warn" | "error"

const severity: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

/**
 * Records a structured log entry at `level` with the given arguments. Answers `undefined`.
 *
 * @example
 * ```ts
 * yield* new Log("warn", ["disk almost full", { free: 0.02 }])
 * ```
 */
export class Log extends Effect<void> {
  declare protected readonly effectIdentity: unknown
  /** What the unhandled-effect message suggests. */
  static readonly unhandledHint =
    "logger() answers Log: run with { handlers: [logger()] } or defaultHandlers()."

  constructor(
    readonly level: LogLevel,
    readonly args: readonly unknown[],
  ) {
    super()
  }
}

/**
 * What {@link log} is: `log(...)` logs at "info"; `log.debug(...)` etc. pick the level.
 *
 * @example
 * ```ts
 * const warn: LogFunction["warn"] = log.warn
 * yield* warn("low disk")
 * ```
 */
export interface LogFunction {
  (...args: unknown[]): Log
  /** A `Log` effect at level "debug". */
  debug(...args: unknown[]): Log
  /** A `Log` effect at level "info" (the same as calling `log` itself). */
  info(...args: unknown[]): Log
  /** A `Log` effect at level "warn". */
  warn(...args: unknown[]): Log
  /** A `Log` effect at level "error". */
  error(...args: unknown[]): Log
}

/**
 * Performs a `Log` effect: `log(...args)` at level "info", or `log.debug`, `log.info`,
 * `log.warn`, `log.error`. Arguments are kept as given (structured), and also rendered
 * into the entry's `message`.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   yield* log("user signed in", { id: 7 })
 *   yield* log.warn("quota at", 0.9)
 * })
 * const logs = logger()
 * run(withHandler(logs, main))
 * logs.entries.map((e) => `${e.level} ${e.message}`)
 * // ["info user signed in {\"id\":7}", "warn quota at 0.9"]
 * ```
 */
export const log: LogFunction = Object.assign((...args: unknown[]) => new Log("info", args), {
  debug: (...args: unknown[]) => new Log("debug", args),
  info: (...args: unknown[]) => new Log("info", args),
  warn: (...args: unknown[]) => new Log("warn", args),
  error: (...args: unknown[]) => new Log("error", args),
})

/**
 * One recorded log call.
 *
 * @example
 * ```ts
 * const logs = logger()
 * run(withHandler(logs, main))
 * const warnings = logs.entries.filter((e: LogEntry) => e.level === "warn")
 * ```
 */
export interface LogEntry {
  /** Position among the entries this logger saw (0, 1, 2 …), dropped ones included. */
  readonly seq: number
  readonly level: LogLevel
  /** The arguments rendered as one line, like `console.log` would. */
  readonly message: string
  /** The arguments as they were given. */
  readonly args: readonly unknown[]
  /** When it was logged, from the logger's clock (`Date.now()` unless `now` is given). */
  readonly time: number
}

/**
 * Options of {@link logger}.
 *
 * @example
 * ```ts
 * const options: LoggerOptions = { level: "info", now: () => 0, sink: (e) => console.log(e.message) }
 * logger(options)
 * ```
 */
export interface LoggerOptions {
  /** Entries below this level are answered and dropped. Default "debug" (keep all). */
  readonly level?: LogLevel
  /** The clock stamped on entries. Default `Date.now`. */
  readonly now?: () => number
  /** Called with every kept entry as it is logged (e.g. to print it). */
  readonly sink?: (entry: LogEntry) => void
  /** Keep entries in `entries`. Default true; set false for long runs that only use `sink`. */
  readonly keep?: boolean
}

/**
 * A log handler, with its entries readable during and after the run.
 *
 * @example
 * ```ts
 * const logs: LogHandler = logger()
 * run(withHandler(logs, main))
 * logs.entries.length
 * ```
 */
export interface LogHandler extends HandlerDef<Log, never, never, unknown> {
  /** The entries kept so far, oldest first. */
  readonly entries: LogEntry[]
}

/**
 * The log handler: answers `Log` by recording a {@link LogEntry} (level, message, args,
 * time). Read them back with `.entries`; each `logger()` call has its own. A fast-path
 * handler.
 *
 * @example
 * ```ts
 * const logs = logger({ level: "info", sink: (e) => console.log(e.level, e.message) })
 * run(withHandler(logs, main))
 * logs.entries.filter((e) => e.level === "warn")
 * ```
 */
export function logger(options: LoggerOptions = {}): LogHandler {
  const minimum = severity[options.level ?? "debug"]
  if (minimum === undefined) throw new TypeError(`logger: unknown level ${String(options.level)}`)
  const now = options.now ?? Date.now
  const sink = options.sink
  const keep = options.keep ?? true
  const entries: LogEntry[] = []
  let seq = 0
  const def = handler(
    function recordLog(eff: Log, k) {
      const n = seq++
      if (severity[eff.level] >= minimum) {
        const entry: LogEntry = {
          seq: n,
          level: eff.level,
          message: formatArgs(eff.args),
          args: eff.args,
          time: now(),
        }
        if (keep) entries.push(entry)
        if (sink !== undefined) sink(entry)
      }
      return Transfer(k, undefined)
    },
    { handles: [Log], name: "logger" },
  )
  return Object.assign(def, { entries })
}

/** Renders arguments as one line: strings as they are, other values compactly. */
function formatArgs(args: readonly unknown[]): string {
  return args.map(formatValue).join(" ")
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return value
  if (value instanceof Error) return `${value.name}: ${value.message}`
  if (typeof value === "object" && value !== null) {
    try {
      return JSON.stringify(value) ?? String(value)
    } catch {
      return String(value)
    }
  }
  if (typeof value === "function") return `[function ${value.name || "anonymous"}]`
  if (typeof value === "bigint") return `${value}n`
  return String(value)
}
