import type { Continuation, Verdict } from "../machine/continuation.js"
import type { Frame } from "../machine/frames.js"
import { liveLinesFrom } from "./live-lines.js"

/**
 * The effect a frame was performing when an error was thrown at it: the continuation the
 * handlers saw (their verdicts are read from it when a traceback is built) and the verdict
 * of the handler that held it last.
 */
export interface Performing {
  readonly effect: unknown
  /** `null` when no handler was offered the effect at all. */
  readonly k: Continuation<unknown> | null
  readonly last: Verdict
}

/** One place an error was thrown at: the raising frame, or a perform site in another task. */
export interface OriginSite {
  readonly frame: Frame | null
  readonly performing: Performing | null
  /** Under `captureStacks: "full"`: each program frame's live capture, from `frame` outwards. */
  readonly live: ReadonlyMap<Frame, Error> | null
}

/**
 * Where an error was raised, kept on the error itself (no global map, docs/semantics.md §5): the frame
 * that was running, from which the traceback walks outwards.
 */
export interface ErrorOrigin extends OriginSite {
  /** Perform sites in other tasks the error was thrown into afterwards, innermost first. */
  readonly crossings: OriginSite[]
  /** Set once the error may no longer start an enrichment dispatch (docs/semantics.md §5: sites, once). */
  settled: boolean
}

/**
 * The origin travels on the error object as a private field, added with the constructor
 * return trick: a private field is invisible (no property, no `util.inspect` line) and
 * adding one costs about 45 ns against 200 ns for `Object.defineProperty` (W6: one per
 * new error).
 */
class ReturnsTarget {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the trick that stamps `target` itself
    return target
  }
}

class OriginStamp extends ReturnsTarget {
  #origin: ErrorOrigin

  private constructor(target: object, origin: ErrorOrigin) {
    super(target)
    this.#origin = origin
  }

  static read(target: object): ErrorOrigin | undefined {
    return #origin in target ? (target as OriginStamp).#origin : undefined
  }

  static write(target: object, origin: ErrorOrigin): void {
    if (#origin in target) (target as OriginStamp).#origin = origin
    else new OriginStamp(target, origin)
  }
}

/** @internal records the raising frame once; later records keep the first. */
export function recordOrigin(
  error: unknown,
  frame: Frame | null,
  performing: Performing | null = null,
): void {
  if (error === null || typeof error !== "object" || OriginStamp.read(error) !== undefined) return
  try {
    OriginStamp.write(error, {
      frame,
      performing,
      live: liveLinesFrom(frame),
      crossings: [],
      settled: false,
    })
  } catch {
    // an object that cannot be stamped carries no origin
  }
}

/**
 * @internal an error recorded at a handler frame (an outer handler failed answering an
 * effect this handler delegated) surfaces at the perform site of `k` instead: the frames a
 * reader cares about are the body's, not the handler's.
 */
export function moveOriginToPerformSite(
  error: unknown,
  from: Frame,
  k: Continuation<unknown>,
): void {
  const origin = originOf(error)
  if (origin === undefined) {
    recordOrigin(error, k.top, { effect: k.effect, k, last: "threw" })
    return
  }
  if (origin.frame !== from) return
  const moved: ErrorOrigin = {
    frame: k.top,
    performing: { effect: k.effect, k, last: "threw" },
    live: liveLinesFrom(k.top),
    crossings: origin.crossings,
    settled: origin.settled,
  }
  OriginStamp.write(error as object, moved)
}

/** @internal records that `error` was thrown into another task at `frame`. */
export function recordCrossing(
  error: unknown,
  frame: Frame | null,
  performing: Performing | null = null,
): void {
  const origin = originOf(error)
  if (origin === undefined) recordOrigin(error, frame, performing)
  else if (frame !== null) origin.crossings.push({ frame, performing, live: liveLinesFrom(frame) })
}

/** @internal the recorded origin of `error`, if any. */
export function originOf(error: unknown): ErrorOrigin | undefined {
  if (error === null || typeof error !== "object") return undefined
  return OriginStamp.read(error)
}

/**
 * A thrown value that is not an object (`throw "str"`) cannot carry its origin, so the last
 * few such throws are remembered here, by value, for the traceback of the one that leaves
 * `run`. A bounded ring: the only record of errors effvm keeps outside the errors.
 */
const thrownValues: { value: unknown; origin: ErrorOrigin }[] = []
const THROWN_VALUES_KEPT = 8

/** @internal records where a value that is not an object was thrown. */
export function recordThrownValue(value: unknown, frame: Frame | null): void {
  const again = thrownValues.findIndex((t) => Object.is(t.value, value))
  // The same throw unwinding through a caller keeps its first record, as an error does.
  if (again >= 0 && isWithin(thrownValues[again]!.origin.frame, frame)) return
  if (again >= 0) thrownValues.splice(again, 1)
  else if (thrownValues.length === THROWN_VALUES_KEPT) thrownValues.shift()
  thrownValues.push({
    value,
    origin: { frame, performing: null, live: liveLinesFrom(frame), crossings: [], settled: true },
  })
}

function isWithin(inner: Frame | null, outer: Frame | null): boolean {
  for (let f = inner; f !== null; f = f.parent) if (f === outer) return true
  return false
}

/** @internal where a value that is not an object was last thrown, if it is remembered. */
export function thrownValueOrigin(value: unknown): ErrorOrigin | undefined {
  for (let i = thrownValues.length - 1; i >= 0; i--)
    if (Object.is(thrownValues[i]!.value, value)) return thrownValues[i]!.origin
  return undefined
}
