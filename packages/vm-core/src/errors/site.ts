/**
 * Source locations for messages and tracebacks.
 *
 * A site is captured as an `Error` (V8 records the structured stack cheaply) and parsed
 * only when someone reads it, so defining a program costs one capture at module load and
 * running one costs nothing.
 */

/** A resolved location: function name, file and line (1-based). */
export interface SourceLocation {
  readonly functionName: string | undefined
  readonly file: string
  readonly line: number
  readonly column: number
}

const frameLine = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/

const vmCoreDir = internalDir()

function internalDir(): string | undefined {
  const here = locationsOf(new Error())[0]
  if (!here) return undefined
  const cut = here.file.lastIndexOf("/errors/")
  return cut >= 0 ? here.file.slice(0, cut + 1) : undefined
}

// effvm's packages, in the workspace (sources or build) or installed. Their tests and
// examples are user code: only `src/` and `dist/` count as effvm's own.
const effvmPackageFile =
  /\/(?:packages\/(?:vm-core|handlers|scheduler|interop|effvm)|node_modules\/@effvm\/[^/]+|node_modules\/effvm)\/(?:src|dist)\//

/** True for a location inside effvm's own sources (never shown in tracebacks). */
export function isInternalFile(file: string): boolean {
  if (vmCoreDir !== undefined && file.startsWith(vmCoreDir)) return true
  return effvmPackageFile.test(file) || file.startsWith("node:") || file.startsWith("internal/")
}

/** What a capture holds: an `Error`, or any object V8 put a `stack` on (formatted when read). */
export interface StackCapture {
  readonly stack?: unknown
}

/** Parses the `at …` lines of an error's stack, outermost last, as V8 prints them. */
export function locationsOf(error: StackCapture): SourceLocation[] {
  const stack = typeof error.stack === "string" ? error.stack : ""
  const out: SourceLocation[] = []
  for (const text of stack.split("\n")) {
    const m = frameLine.exec(text)
    if (!m) continue
    let file = m[2] ?? ""
    if (file.startsWith("file://")) file = decodeURI(file.slice("file://".length))
    out.push({
      functionName: m[1] || undefined,
      file,
      line: Number(m[3]),
      column: Number(m[4]),
    })
  }
  return out
}

/** The first location outside effvm in an error's stack: where user code stood. */
export function firstUserLocation(error: StackCapture): SourceLocation | undefined {
  for (const loc of locationsOf(error)) if (!isInternalFile(loc.file)) return loc
  return undefined
}

/** A lazily parsed capture of the caller's location. */
export class CapturedSite {
  #capture: StackCapture | undefined
  #resolved: SourceLocation | undefined | null = null
  #internal = false

  constructor(capture: StackCapture) {
    this.#capture = capture
  }

  /** The user location of the capture, or `undefined` when none is outside effvm. */
  get location(): SourceLocation | undefined {
    if (this.#resolved === null) this.#resolve()
    return this.#resolved ?? undefined
  }

  /**
   * Whether the code that called into effvm (e.g. the `fn(...)` call) is itself part of
   * effvm: the programs of the scheduler and the built-in handlers are effvm's own frames,
   * which tracebacks never show.
   */
  get internal(): boolean {
    if (this.#resolved === null) this.#resolve()
    return this.#internal
  }

  #resolve(): void {
    const locations = this.#capture ? locationsOf(this.#capture) : []
    this.#capture = undefined
    this.#resolved = locations.find((loc) => !isInternalFile(loc.file))
    const caller = locations.find(
      (loc) => vmCoreDir === undefined || !loc.file.startsWith(vmCoreDir),
    )
    this.#internal = caller !== undefined && isInternalFile(caller.file)
  }

  /** `file:line`, shortened relative to the working directory, or `<unknown>`. */
  toString(): string {
    const loc = this.location
    return loc ? `${shortPath(loc.file)}:${loc.line}` : "<unknown>"
  }
}

/** Captures the location of the code that called into effvm. */
export function captureSite(): CapturedSite {
  return new CapturedSite(new Error())
}

/**
 * Captures where the code that called `entry` (an effvm function user code calls) stands,
 * recording that one frame only: the frames of `entry` and above are skipped by V8, not
 * parsed. V8 charges 1-2 µs per capture whatever its depth or frame count (measured in
 * docs/performance.md), so capture only where the semantics ask for a site. Wrap it in a
 * `CapturedSite`, which parses it only when read.
 *
 * @example
 * ```ts
 * class Spawn extends Effect<void> {
 *   constructor(readonly program: Program<unknown>, readonly site: CapturedSite) { super() }
 * }
 * export function spawn(program: Program<unknown>) {
 *   return new Spawn(program, new CapturedSite(captureCallerStack(spawn)))
 * }
 * ```
 */
export function captureCallerStack(entry: Function): StackCapture {
  const holder: { stack?: unknown } = {}
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 1
  Error.captureStackTrace(holder, entry)
  Error.stackTraceLimit = limit
  return holder
}

/** A path relative to the working directory when it lies below it. */
export function shortPath(file: string): string {
  const cwd = typeof process !== "undefined" ? process.cwd() : ""
  return cwd && file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file
}
