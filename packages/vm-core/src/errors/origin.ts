import type { Continuation } from "../machine/continuation.js"
import type { Frame } from "../machine/frames.js"
import type { ContextEntry, ExecutionContext } from "./context.js"
import { factsFor, factsOf, type OriginSite, type Performing } from "./facts.js"
import { liveLinesFrom } from "./live-lines.js"

export type { OriginSite, Performing } from "./facts.js"

function siteAt(frame: Frame | null, performing: Performing | null): OriginSite {
  return { frame, performing, live: liveLinesFrom(frame), boundary: undefined }
}

/** @internal records the raising frame once; later records keep the first. */
export function recordOrigin(
  error: unknown,
  frame: Frame | null,
  performing: Performing | null = null,
): void {
  const facts = factsFor(error)
  if (facts !== undefined && facts.origin === null) facts.origin = siteAt(frame, performing)
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
  const facts = factsFor(error)
  if (facts === undefined) return
  const origin = facts.origin
  if (origin !== null && origin.frame !== from) return
  facts.origin = siteAt(k.top, { effect: k.effect, k, last: "threw" })
  if (origin !== null) facts.origin.boundary = origin.boundary
}

/** @internal records that `error` was thrown into another task at `frame`. */
export function recordCrossing(
  error: unknown,
  frame: Frame | null,
  performing: Performing | null = null,
): void {
  const facts = factsFor(error)
  if (facts === undefined) return
  if (facts.origin === null) facts.origin = siteAt(frame, performing)
  else if (frame !== null) (facts.crossings ??= []).push(siteAt(frame, performing))
}

/** @internal the sites `error` was thrown at, innermost first: its origin, then each crossing. */
export function sitesOf(error: unknown): OriginSite[] {
  const facts = factsOf(error)
  if (facts === undefined || facts.origin === null) return []
  return facts.crossings === null ? [facts.origin] : [facts.origin, ...facts.crossings]
}

/** Which site a spawn boundary describes: the one the error is at now, or the one before it. */
export type BoundarySite = "latest" | "sender"

/**
 * @internal A scheduler added `entry`, a spawn boundary, to `context` while enriching
 * `error`: the boundary describes the task of the site the error is at now (`latest`), or,
 * for the sending task of a crossing, the site before it (`sender`). A site keeps its first
 * boundary. Nothing is recorded when `context` is not the error's own (a context asked
 * for by hand, for an error already enriched elsewhere). Returns `entry`.
 */
export function noteBoundary(
  error: unknown,
  context: ExecutionContext,
  entry: ContextEntry,
  which: BoundarySite,
): ContextEntry {
  const facts = factsOf(error)
  if (facts === undefined || facts.origin === null) return entry
  if (facts.context !== undefined && facts.context !== context) return entry
  const crossings = facts.crossings ?? []
  const at = crossings.length - (which === "latest" ? 1 : 2)
  const site = at >= 0 ? crossings[at]! : at === -1 ? facts.origin : undefined
  if (site !== undefined) site.boundary ??= entry
  return entry
}

/**
 * A thrown value that is not an object (`throw "str"`) cannot carry its facts, so the last
 * few such throws are remembered here, by value, for the traceback of the one that leaves
 * `run`. A bounded ring: the only record of errors effvm keeps outside the errors.
 */
const thrownValues: { value: unknown; origin: OriginSite }[] = []
const THROWN_VALUES_KEPT = 8

/** @internal records where a value that is not an object was thrown. */
export function recordThrownValue(value: unknown, frame: Frame | null): void {
  const again = thrownValues.findIndex((t) => Object.is(t.value, value))
  // The same throw unwinding through a caller keeps its first record, as an error does.
  if (again >= 0 && isWithin(thrownValues[again]!.origin.frame, frame)) return
  if (again >= 0) thrownValues.splice(again, 1)
  else if (thrownValues.length === THROWN_VALUES_KEPT) thrownValues.shift()
  thrownValues.push({ value, origin: siteAt(frame, null) })
}

function isWithin(inner: Frame | null, outer: Frame | null): boolean {
  for (let f = inner; f !== null; f = f.parent) if (f === outer) return true
  return false
}

/** @internal where a value that is not an object was last thrown, if it is remembered. */
export function thrownValueOrigin(value: unknown): OriginSite | undefined {
  for (let i = thrownValues.length - 1; i >= 0; i--)
    if (Object.is(thrownValues[i]!.value, value)) return thrownValues[i]!.origin
  return undefined
}
