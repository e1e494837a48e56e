/**
 * Where a task was spawned: vm-core's lazily parsed site capture, with the spawning
 * function's name in front. Captured at every `spawn` (docs/semantics.md §7), parsed only when a
 * traceback reads it.
 */
import {
  CapturedSite,
  callOf,
  captureCallerStack,
  type Frame,
  type SourceLocation,
} from "@effvm/vm-core/internal"

/**
 * A resolved source location.
 *
 * @example
 * ```ts
 * const boundary = getExecutionContext(error)?.entries.find((e) => e.kind === "spawn_boundary")
 * const where: SiteLocation | undefined = (boundary?.spawnLocation as SpawnSite | undefined)?.location
 * ```
 */
export type SiteLocation = SourceLocation

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
export class SpawnSite extends CapturedSite {
  // The spawning program frame, until the site is first rendered; then how it reads
  // (`batchWorker(1)`: the JS stack has only the function's name). One field: a site is
  // made per spawn.
  #caller: Frame | string | null = null

  /** @internal records the program frame that spawned (`k.top` of the spawn). */
  noteCaller(frame: Frame): void {
    if (this.#caller === null) this.#caller = frame
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
  override toString(): string {
    const fnName = this.location?.functionName?.split(".").pop()
    if (this.#caller !== null && typeof this.#caller !== "string") {
      // The program frame's call, when that program's own code called spawn; a plain helper
      // that called it (the JS stack's function) is named as the JS stack names it.
      const call = callOf(this.#caller) ?? ""
      this.#caller = fnName !== undefined && call.startsWith(`${fnName}(`) ? call : ""
    }
    const name = this.#caller || (fnName ? `${this.location?.functionName}()` : "")
    return name ? `${name} ${super.toString()}` : super.toString()
  }
}

/**
 * Captures the location of the user code that called `entry` (`every`, `any`, …). Only
 * that one frame is recorded (the capture costs about a microsecond per frame). The
 * per-task entries (`spawn`, `gather`, `race`) capture inline instead: see
 * `limitStackToCaller`.
 */
export function captureSpawnSite(entry: Function): SpawnSite {
  return new SpawnSite(captureCallerStack(entry))
}

/**
 * Sets `Error.stackTraceLimit` so that a `new Error()` made right in an entry function
 * records two frames, the entry's and its caller's, and returns the limit to restore. The
 * site then reads the caller's (the first frame outside effvm). Twice cheaper to keep than
 * `captureSpawnSite` (192 against 264 bytes: V8 turns the plain holder that
 * `Error.captureStackTrace` writes into a dictionary) and 15% cheaper to make; measured in
 * docs/performance.md.
 *
 * @example
 * ```ts
 * class Spawn extends Effect<void> {
 *   constructor(readonly site: SpawnSite) { super() }
 * }
 * function spawnHere() {
 *   const limit = limitStackToCaller()
 *   const capture = new Error() // right here, not in a helper: two frames only
 *   Error.stackTraceLimit = limit
 *   return new Spawn(new SpawnSite(capture))
 * }
 * ```
 */
export function limitStackToCaller(): number {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 2
  return limit
}
