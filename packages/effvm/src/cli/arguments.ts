/**
 * The `effvm` command line, parsed into what to do. Parsing is pure (no file system, no
 * environment), so every rule about bad input is tested without starting a process.
 */

/** `effvm run <module> …`: what to load and how to run it. */
export interface RunCommand {
  readonly kind: "run"
  /** The module path as given (relative to the working directory). */
  readonly module: string
  /** The export holding the program; `"default"` unless `--export NAME`. */
  readonly exportName: string
  /** `--env KEY=VALUE` pairs, the reader's environment. */
  readonly env: Readonly<Record<string, string>>
  /** `--capture-stacks full`: exact live lines for every frame in tracebacks. */
  readonly captureStacks: "full" | undefined
  /** `--virtual-clock`: sleeps jump instantly (`VirtualClock`). */
  readonly virtualClock: boolean
  /** `--quanta N`: machine steps before a busy task is preempted. */
  readonly quanta: number | undefined
  /** `--timeline FILE`: trace the run and write its timeline page to FILE. */
  readonly timeline: string | undefined
  /** `--record FILE`: write the run's journal there (`@effvm/durable`). */
  readonly record?: string | undefined
}

/** `effvm replay <journal>`: replay a journal `effvm run --record` wrote. */
export interface ReplayCommand {
  readonly kind: "replay"
  /** The journal file as given. */
  readonly file: string
  /** `--capture-stacks full`, as for run. */
  readonly captureStacks: "full" | undefined
  /** `--timeline FILE`, as for run: the replayed run's timeline. */
  readonly timeline: string | undefined
}

/** What one invocation asks for. */
export type Command =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | RunCommand
  | ReplayCommand

/** The command line itself is wrong: the message is the one line the user sees. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "UsageError"
  }
}

const OPTIONS_WITH_VALUE = new Set([
  "--export",
  "--env",
  "--capture-stacks",
  "--quanta",
  "--record",
  "--timeline",
])

/**
 * Parses the arguments after `effvm`. Options take their value as the next argument or
 * after `=` (`--quanta 50`, `--quanta=50`).
 *
 * @example
 * ```ts
 * parseArguments(["run", "app.ts", "--env", "region=eu", "--virtual-clock"])
 * // { kind: "run", module: "app.ts", exportName: "default", env: { region: "eu" }, … }
 * ```
 */
export function parseArguments(argv: readonly string[]): Command {
  if (argv.length === 0) throw new UsageError("missing command: try `effvm run <module>`")
  const [first, ...rest] = argv
  if (first === "--help" || first === "-h" || first === "help") return { kind: "help" }
  if (first === "--version" || first === "-v") return { kind: "version" }
  if (first === "replay") return parseReplay(rest)
  if (first !== "run") {
    throw new UsageError(
      `unknown command ${JSON.stringify(first)}: the command is \`effvm run <module>\``,
    )
  }
  return parseRun(rest)
}

function parseReplay(args: readonly string[]): Command {
  let file: string | undefined
  let captureStacks: "full" | undefined
  let timeline: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--help" || arg === "-h") return { kind: "help" }
    if (!arg.startsWith("-")) {
      if (file !== undefined) {
        throw new UsageError(
          `unexpected argument ${JSON.stringify(arg)}: replay takes one journal file`,
        )
      }
      file = arg
      continue
    }
    const eq = arg.indexOf("=")
    const name = eq > 0 ? arg.slice(0, eq) : arg
    if (name !== "--capture-stacks" && name !== "--timeline") {
      throw new UsageError(
        `unknown option ${JSON.stringify(name)} for replay: see \`effvm --help\``,
      )
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i]
    if (name === "--timeline") {
      if (value === undefined) throw new UsageError("--timeline needs a value")
      if (value === "") throw new UsageError("--timeline needs the path of the HTML file to write")
      timeline = value
      continue
    }
    if (value !== "full") {
      throw new UsageError(`--capture-stacks accepts only "full", got ${JSON.stringify(value)}`)
    }
    captureStacks = "full"
  }
  if (file === undefined) throw new UsageError("missing journal file: `effvm replay <journal>`")
  return { kind: "replay", file, captureStacks, timeline }
}

function parseRun(args: readonly string[]): Command {
  let module: string | undefined
  let exportName = "default"
  const env = new Map<string, string>()
  let captureStacks: "full" | undefined
  let virtualClock = false
  let quanta: number | undefined
  let record: string | undefined
  let timeline: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--help" || arg === "-h") return { kind: "help" }
    if (!arg.startsWith("-")) {
      if (module !== undefined) {
        throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: run takes one module`)
      }
      module = arg
      continue
    }
    const eq = arg.indexOf("=")
    const name = eq > 0 ? arg.slice(0, eq) : arg
    if (name === "--virtual-clock") {
      if (eq > 0) throw new UsageError("--virtual-clock takes no value")
      virtualClock = true
      continue
    }
    if (!OPTIONS_WITH_VALUE.has(name)) {
      throw new UsageError(`unknown option ${JSON.stringify(name)}: see \`effvm --help\``)
    }
    let value: string | undefined
    if (eq > 0) value = arg.slice(eq + 1)
    else {
      value = args[i + 1]
      i++
    }
    if (value === undefined) throw new UsageError(`${name} needs a value`)
    if (name === "--export") {
      if (value === "") throw new UsageError("--export needs the name of an export")
      exportName = value
    } else if (name === "--env") {
      const sep = value.indexOf("=")
      if (sep <= 0) {
        throw new UsageError(`--env expects KEY=VALUE, got ${JSON.stringify(value)}`)
      }
      env.set(value.slice(0, sep), value.slice(sep + 1))
    } else if (name === "--capture-stacks") {
      if (value !== "full") {
        throw new UsageError(`--capture-stacks accepts only "full", got ${JSON.stringify(value)}`)
      }
      captureStacks = "full"
    } else if (name === "--record") {
      if (value === "") throw new UsageError("--record needs the path of the journal file to write")
      record = value
    } else if (name === "--timeline") {
      if (value === "") throw new UsageError("--timeline needs the path of the HTML file to write")
      timeline = value
    } else {
      quanta = parseQuanta(value)
    }
  }
  if (module === undefined) throw new UsageError("missing module: `effvm run <module>`")
  // fromEntries makes own properties, so even a key like __proto__ is kept as given.
  const envRecord = Object.fromEntries(env)
  const command = {
    kind: "run",
    module,
    exportName,
    env: envRecord,
    captureStacks,
    virtualClock,
    quanta,
    timeline,
  } as const
  return record === undefined ? command : { ...command, record }
}

function parseQuanta(value: string): number {
  const n = value === "Infinity" ? Number.POSITIVE_INFINITY : Number(value)
  if (
    value.trim() === "" ||
    Number.isNaN(n) ||
    n < 0 ||
    (Number.isFinite(n) && !Number.isInteger(n))
  ) {
    throw new UsageError(
      `--quanta expects a whole number of steps >= 0 (0 turns preemption off), got ${JSON.stringify(value)}`,
    )
  }
  return n
}
