import type { HandlerDef } from "../handler-def.js"
import type { ProgramDef } from "../program.js"
import type { Continuation } from "./continuation.js"

/**
 * The machine's stack is a linked list of frames, innermost on top. Linking (instead of an
 * array) makes capturing and reinstalling a continuation O(1): a continuation is just the
 * pair (top frame, bottom prompt), and moving it means re-pointing the prompt's parent.
 */

export const FRAME_PROGRAM = 0 // a running program generator
export const FRAME_HANDLER = 1 // a running generator handler
export const FRAME_PROMPT = 2 // a withHandler boundary: no generator, passes values through
export const FRAME_MARKER = 3 // what to do once a region of frames has been closed
export const FRAME_ERROR_SITE = 4 // stands where an error waits while handlers enrich it
export const FRAME_PREEMPT = 5 // performs Preempt, then the effect it stands in for

/** What a frame is (the values only need to be distinct). */
export type FrameKind =
  | typeof FRAME_PROGRAM
  | typeof FRAME_HANDLER
  | typeof FRAME_PROMPT
  | typeof FRAME_MARKER
  | typeof FRAME_ERROR_SITE
  | typeof FRAME_PREEMPT

/** Closing states: a frame marked for closing is closed when control reaches it. */
export const LIVE = 0
export const MARKED = 1 // must be closed (return()) when reached, never resumed
export const FINISHING = 2 // return() was called; its finally is running

/** Where a frame stands in being closed. */
export type Closing = typeof LIVE | typeof MARKED | typeof FINISHING

/** What the machine steps: a program or handler generator, seen without its types. */
export type StepGenerator = Generator<unknown, unknown, unknown>

/** A frame that runs a generator: a program or a handler. */
export class Frame {
  /** `FINISHING` frames are inside their `finally`; `MARKED` ones wait to be closed. */
  closing: Closing = LIVE

  constructor(
    readonly kind: FrameKind,
    readonly gen: StepGenerator | null,
    public parent: Frame | null,
    /**
     * For program and handler frames: the innermost prompt whose handler this frame's
     * effects reach first (a handler frame starts outside its own prompt, which is how a
     * handler never sees its own effects). For prompt frames: the next outer prompt.
     */
    public prompt: PromptFrame | null,
    /**
     * What a traceback names this frame by: the program's definition and its arguments
     * (as `keptArgs` keeps them; read them with `argsOf`); `null` for handler and prompt
     * frames. The frame keeps these, not the Program object, so the program value is
     * garbage once its generator started (W3: a deep stack is allocation-bound; every
     * byte kept per level is copied by each scavenge).
     */
    readonly def: ProgramDef | null,
    readonly args: unknown,
  ) {}
}

/**
 * How a program frame keeps its arguments. A call with one argument keeps the argument
 * itself, not the array, so deep recursion keeps no array per level (W3, about 15% at
 * D = 10⁵). An array or `undefined` argument stays wrapped, so `argsOf` reads it back
 * unambiguously.
 */
export function keptArgs(args: readonly unknown[] | undefined): unknown {
  if (args !== undefined && args.length === 1) {
    const only = args[0]
    if (only !== undefined && !Array.isArray(only)) return only
  }
  return args
}

/** A program frame's arguments, as they were passed (tracebacks). */
export function argsOf(f: Frame): readonly unknown[] | undefined {
  const kept = f.args
  return kept === undefined || Array.isArray(kept)
    ? (kept as readonly unknown[] | undefined)
    : [kept]
}

/** A withHandler boundary. Also the handler lookup's one-entry cache. */
export class PromptFrame extends Frame {
  /** Set while the continuation this prompt delimits is being closed by its own handler. */
  disabled = false
  /** Lookup cache: effect class → the first prompt from here outwards that would be offered it. */
  cacheClass: unknown = undefined
  cacheTarget: PromptFrame | null = null
  /** The entry before: a task alternating two effects (work, yield) hits both. */
  cacheClass2: unknown = undefined
  cacheTarget2: PromptFrame | null = null
  cacheEpoch = -1
  /** The bottom prompt of a spawned task: a traceback's task section ends here. */
  taskRoot = false

  constructor(
    readonly handler: HandlerDef,
    parent: Frame | null,
    outer: PromptFrame | null,
  ) {
    super(FRAME_PROMPT, null, parent, outer, null, undefined)
  }
}

/** A generator handler at work on one dispatch. */
export class HandlerFrame extends Frame {
  constructor(
    gen: StepGenerator,
    parent: Frame | null,
    /** The prompt whose handler this is; effects from here start at `via.prompt`. */
    readonly via: PromptFrame,
    /** The continuation it was given; the frame owns it while it is live. */
    readonly k: Continuation<unknown>,
  ) {
    super(FRAME_HANDLER, gen, parent, via.prompt, null, undefined)
  }

  /** Set when the handler ended itself (Transfer, Pass): its k went elsewhere, not abandoned. */
  ended = false
}

export const AFTER_ABORT = 0 // deliver `value` to the parent (or throw the recorded error)
export const AFTER_TRANSFER = 1 // reinstall `k` on the parent and deliver `value`
export const AFTER_TRANSFER_THROW = 2 // reinstall `k` on the parent and throw `value`
export const AFTER_PASS = 3 // offer `k`'s effect to the handlers outside `k.bottom`
export const AFTER_TRANSFER_ENRICH = 4 // reinstall `k` on the parent and throw `value` through enrichment
export const AFTER_RUN_DONE = 5 // a held continuation was closed after the run ended with `value`
export const AFTER_RUN_FAILED = 6 // the same, after the run failed with `value`

/** What a marker frame does once its region is closed. */
export type AfterClose =
  | typeof AFTER_ABORT
  | typeof AFTER_TRANSFER
  | typeof AFTER_TRANSFER_THROW
  | typeof AFTER_PASS
  | typeof AFTER_TRANSFER_ENRICH
  | typeof AFTER_RUN_DONE
  | typeof AFTER_RUN_FAILED

/** Sits below a region being closed; acts once every frame above it has finished closing. */
export class MarkerFrame extends Frame {
  /** An error a `finally` threw while the region closed; replaces the planned action. */
  error: unknown = undefined
  hasError = false

  constructor(
    parent: Frame | null,
    readonly after: AfterClose,
    readonly value: unknown,
    readonly k: Continuation<unknown> | null,
  ) {
    super(FRAME_MARKER, null, parent, parent === null ? null : promptOf(parent), null, undefined)
  }
}

/** The prompt chain seen by code running directly on top of `frame`. */
export function promptOf(frame: Frame | null): PromptFrame | null {
  if (frame === null) return null
  return frame.kind === FRAME_PROMPT ? (frame as PromptFrame) : frame.prompt
}

let lookupEpoch = 0

/** The current generation of prompt links; lookup caches from older generations are stale. */
export function currentLookupEpoch(): number {
  return lookupEpoch
}

/** Invalidates every lookup cache: a prompt was disabled or relinked elsewhere. */
export function bumpLookupEpoch(): void {
  lookupEpoch++
}

/** Whether `r` can be stepped like a generator (a handler's or a program's result). */
export function isGenerator(r: unknown): r is Generator<unknown, unknown, unknown> {
  return (
    typeof r === "object" &&
    r !== null &&
    typeof (r as Generator).next === "function" &&
    typeof (r as Generator).throw === "function"
  )
}
