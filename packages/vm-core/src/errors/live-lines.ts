/**
 * `captureStacks: "full"` (docs/semantics.md §6): every program frame shows the line it is suspended
 * at, not its definition site. A suspended generator's line is not observable from JS, so
 * in full mode a stack is captured each time a frame opens an instruction (`yield*` calls
 * `[Symbol.iterator]()` inside the user's generator, where the user's line is on the JS
 * stack) and kept for that frame. In the default mode none of this runs: the only cost is
 * reading `liveCapture.machine` once per instruction.
 */

/**
 * Capture modes of a run: definition sites (default, free) or live lines (microseconds per
 * step), for the frames of a traceback other than the raising one.
 *
 * @example
 * ```ts
 * run(main(), { captureStacks: "full" }) // or EFFVM_CAPTURE_STACKS=full
 * ```
 */
export type CaptureStacks = "definition" | "full"

/**
 * The machine stepping now, when it runs in full mode; `null` otherwise. Set once per
 * `advance` call. While a frame's generator runs, that machine's `top` is the frame, so the
 * capture is filed under it without any work in the step loop.
 */
export const liveCapture: { machine: { readonly top: object | null } | null } = { machine: null }

// Weak: a frame's capture lives as long as the frame, and default mode never touches it.
const liveSites = new WeakMap<object, Error>()

/** What live lines need of a machine frame: the link to its caller. */
export interface CallerLinked {
  readonly parent: CallerLinked | null
}

/** Called by `[Symbol.iterator]()` in full mode, inside the user's generator. */
export function captureOpened(): void {
  const top = liveCapture.machine?.top
  if (top) liveSites.set(top, new Error())
}

/**
 * A snapshot of the live captures of `frame` and its callers, taken when an error is
 * recorded (the frames may run on later, if the error is caught). `null` in default mode.
 */
export function liveLinesFrom<F extends CallerLinked>(frame: F | null): Map<F, Error> | null {
  if (liveCapture.machine === null) return null
  const out = new Map<F, Error>()
  for (let f: CallerLinked | null = frame; f !== null; f = f.parent) {
    const site = liveSites.get(f)
    // A frame's callers are frames of the same kind.
    if (site !== undefined) out.set(f as F, site)
  }
  return out
}

let fromEnvironment: CaptureStacks | undefined | null = null

/**
 * The capture mode of a run: its `captureStacks` option, else the environment variable
 * `EFFVM_CAPTURE_STACKS` (read once, through `globalThis.process` so browsers need no shim).
 */
export function captureModeOf(option: CaptureStacks | undefined): CaptureStacks {
  if (option !== undefined) return checkMode(option, "the captureStacks option")
  if (fromEnvironment === null) {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
      ?.env?.EFFVM_CAPTURE_STACKS
    fromEnvironment = env ? checkMode(env as CaptureStacks, "EFFVM_CAPTURE_STACKS") : undefined
  }
  return fromEnvironment ?? "definition"
}

function checkMode(mode: CaptureStacks, where: string): CaptureStacks {
  if (mode === "definition" || mode === "full") return mode
  throw new TypeError(
    `${where} must be "definition" (the default) or "full", got ${JSON.stringify(mode)}.`,
  )
}
