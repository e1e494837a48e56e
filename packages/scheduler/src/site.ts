/**
 * Where a task was spawned. Captured as an `Error` at `spawn` (V8 records the structured
 * stack cheaply) and parsed only when a traceback reads it.
 */

/**
 * A resolved source location.
 *
 * @example
 * ```ts
 * const where: SiteLocation | undefined = boundary.spawnLocation?.location
 * ```
 */
export interface SiteLocation {
  readonly functionName: string | undefined
  readonly file: string
  readonly line: number
  readonly column: number
}

const stackLine = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/

// Frames in this package's own files (src/ or dist/; with source maps, dist/ code reports
// src/ locations) are skipped: the site is user code.
const packageDir = new URL("..", import.meta.url).pathname
const ownDirs = [`${packageDir}src/`, `${packageDir}dist/`]

/**
 * The location of a `spawn` (or of the `gather`/`race` that spawned a program), as the
 * `spawnSite` of a `spawn_boundary` context entry.
 *
 * @example
 * ```ts
 * const entry = getExecutionContext(error)?.entries.find((e) => e.kind === "spawn_boundary")
 * entry?.spawnSite // "orchestrator() src/app.ts:14"
 * ```
 */
export class SpawnSite {
  #capture: Error | undefined
  #resolved: SiteLocation | undefined | null = null

  /** @internal */
  constructor(capture: Error) {
    this.#capture = capture
  }

  /** The user location of the spawn, or `undefined` when none could be found. */
  get location(): SiteLocation | undefined {
    if (this.#resolved === null) {
      this.#resolved = this.#capture ? firstUserLocation(this.#capture) : undefined
      this.#capture = undefined
    }
    return this.#resolved
  }

  /** The function that spawned, e.g. `orchestrator`. */
  get functionName(): string | undefined {
    return this.location?.functionName
  }

  /** The file that spawned, as an absolute path. */
  get file(): string | undefined {
    return this.location?.file
  }

  /** The 1-based line of the spawn. */
  get line(): number | undefined {
    return this.location?.line
  }

  /**
   * `orchestrator() src/app.ts:14` (the file relative to the working directory when below
   * it), or `<unknown>`.
   */
  toString(): string {
    const loc = this.location
    if (loc === undefined) return "<unknown>"
    const where = `${shortPath(loc.file)}:${loc.line}`
    return loc.functionName ? `${loc.functionName}() ${where}` : where
  }
}

/**
 * Captures the location of the code calling into the scheduler. `depth` is how many frames
 * of this package stand between here and the user's code (at least this function and the
 * exported operation). Only those frames are captured: a capture costs about a microsecond
 * per spawn, and each frame more adds to it.
 */
export function captureSpawnSite(depth: number): SpawnSite {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = depth + 1
  const capture = new Error()
  Error.stackTraceLimit = limit
  return new SpawnSite(capture)
}

function firstUserLocation(error: Error): SiteLocation | undefined {
  const stack = typeof error.stack === "string" ? error.stack : ""
  for (const text of stack.split("\n")) {
    const m = stackLine.exec(text)
    if (!m) continue
    let file = m[2] ?? ""
    if (file.startsWith("file://")) file = decodeURI(file.slice("file://".length))
    if (
      ownDirs.some((dir) => file.startsWith(dir)) ||
      file.startsWith("node:") ||
      !file.includes("/")
    )
      continue
    return { functionName: m[1] || undefined, file, line: Number(m[3]), column: Number(m[4]) }
  }
  return undefined
}

function shortPath(file: string): string {
  const cwd = typeof process !== "undefined" ? process.cwd() : ""
  return cwd && file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file
}
