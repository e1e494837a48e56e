import { describeEffect, describeValue, type Effect } from "../effect.js"
import { type Continuation, K_RESUMED, type Verdict } from "../machine/continuation.js"
import {
  argsOf,
  FRAME_PROGRAM,
  FRAME_PROMPT,
  type Frame,
  type PromptFrame,
} from "../machine/frames.js"
import { getExecutionContext } from "./context.js"
import { type OriginSite, originOf, type Performing } from "./origin.js"
import { firstUserLocation, isInternalFile, type SourceLocation, shortPath } from "./site.js"

/**
 * How one handler treated the effect a frame was performing (symbols in docs/errors.md).
 *
 * @example
 * ```ts
 * getTraceback(error)?.sections.at(-1)?.frames.at(-1)?.handlers // [{ handler: "cache", verdict: "passed" }, …]
 * ```
 */
export interface TracebackVerdict {
  readonly handler: string
  readonly verdict: Verdict
}

/**
 * One program frame of a traceback.
 *
 * @example
 * ```ts
 * for (const frame of getTraceback(error)?.sections.at(-1)?.frames ?? []) {
 *   console.log(frame.call, `${frame.file}:${frame.line}`, frame.lineKind)
 * }
 * ```
 */
export interface TracebackFrame {
  /** The program's name and arguments, e.g. `leafWorker("1-2")`. */
  readonly call: string
  readonly file: string | undefined
  readonly line: number | undefined
  /**
   * `"raise"`: the line that threw (from the JS stack); `"live"`: the line the frame was
   * suspended at (`captureStacks: "full"`); `"definition"`: the program's definition site.
   */
  readonly lineKind: "raise" | "live" | "definition"
  /** The effect the frame was performing when the error reached it, e.g. `Ask("db")`. */
  readonly effect?: string
  /** The handlers that saw that effect, in the order they saw it, with their verdicts. */
  readonly handlers?: readonly TracebackVerdict[]
  /**
   * A recursion folded (deep or runaway recursion): this frame ends a block of `cycle`
   * frames (1 when absent) that stood `repeated` times back to back; the block is shown
   * once, with the arguments of its outermost call.
   */
  readonly repeated?: number
  readonly cycle?: number
}

/**
 * A task section: the frames of one task, and the boundary that spawned it.
 *
 * @example
 * ```ts
 * for (const section of getTraceback(error)?.sections ?? []) {
 *   console.log(section.boundary?.name ?? "root", section.frames.length)
 * }
 * ```
 */
export interface TracebackSection {
  readonly frames: TracebackFrame[]
  /** The spawn boundary entry of this task (docs/semantics.md §7), when one was recorded. */
  readonly boundary: Readonly<Record<string, unknown>> | undefined
}

/**
 * The structured traceback of an error (docs/semantics.md §6).
 *
 * @example
 * ```ts
 * const tb: Traceback | undefined = getTraceback(error)
 * if (tb) console.log(`${tb.errorType}: ${tb.message}`, tb.sections.length, "tasks")
 * ```
 */
export interface Traceback {
  /** Task sections, outermost first; the last holds the raising frame. */
  readonly sections: TracebackSection[]
  readonly errorType: string
  readonly message: string
  /** The traceback of `error.cause`, when it is an error too. */
  readonly cause: Traceback | undefined
  /** Tracebacks of an AggregateError's errors. */
  readonly errors: Traceback[]
  /** Tracebacks of errors suppressed while this one propagated (`error.suppressed`). */
  readonly suppressed: Traceback[]
}

/**
 * The structured traceback of an error that went through an effvm machine, or `undefined`
 * for a value that is not an object. An error the machine never saw has no sections.
 *
 * @example
 * ```ts
 * try { run(main()) } catch (e) { getTraceback(e)?.sections.at(-1)?.frames }
 * ```
 */
export function getTraceback(error: unknown): Traceback | undefined
/** @internal `seen` holds the errors already visited (cause and aggregate cycles). */
export function getTraceback(error: unknown, seen: Set<unknown>): Traceback | undefined
export function getTraceback(error: unknown, seen = new Set<unknown>()): Traceback | undefined {
  if (error === null || typeof error !== "object" || seen.has(error)) return undefined
  seen.add(error)
  const origin = originOf(error)
  const boundaries = (getExecutionContext(error)?.entries ?? []).filter(
    (e) => e.kind === "spawn_boundary",
  )
  const sections: TracebackSection[] = []
  if (origin !== undefined) {
    // Innermost first: the raising task, then each task the error crossed into.
    const sites: OriginSite[] = [origin, ...origin.crossings]
    sites.forEach((site, i) => {
      sections.unshift({
        frames: framesOf(site, i === 0 ? (error as Error) : undefined),
        boundary: boundaries[i] ?? undefined,
      })
    })
  }
  const e = error as {
    name?: unknown
    message?: unknown
    cause?: unknown
    errors?: unknown
    suppressed?: unknown
  }
  return {
    sections,
    errorType: typeof e.name === "string" ? e.name : (error.constructor?.name ?? "Error"),
    message: typeof e.message === "string" ? e.message : describeValue(error),
    cause: getTraceback(e.cause, seen),
    errors: tracebacksOf(e.errors, seen),
    suppressed: tracebacksOf(e.suppressed, seen),
  }
}

function tracebacksOf(list: unknown, seen: Set<unknown>): Traceback[] {
  if (!Array.isArray(list)) return []
  return list.map((x) => getTraceback(x, seen)).filter((t): t is Traceback => t !== undefined)
}

/** The program frames from the site outwards to its task's root, outermost first. */
function framesOf(site: OriginSite, raised: Error | undefined): TracebackFrame[] {
  const out: TracebackFrame[] = []
  const shown = foldRepeats(programFramesOf(site), site.live)
  for (let i = shown.length - 1; i >= 0; i--) {
    const { frame: f, times, cycle } = shown[i]!
    const innermost = i === shown.length - 1
    const p = f.def!
    const defSite = p.site
    const args = argsOf(f)?.map(describeValue).join(", ") ?? ""
    const call = `${p.name}(${args})`
    let where: SourceLocation | undefined
    let lineKind: TracebackFrame["lineKind"] = "definition"
    // An error thrown at a perform site was raised by a handler or the machine, not here.
    if (innermost && raised !== undefined && site.performing === null)
      where = raiseLocation(raised, p.name)
    if (where !== undefined) lineKind = "raise"
    else {
      const live = site.live?.get(f)
      where = live ? firstUserLocation(live) : undefined
      if (where !== undefined) lineKind = "live"
      else where = defSite?.location
    }
    let frame: TracebackFrame = {
      call,
      file: where ? shortPath(where.file) : undefined,
      line: where?.line,
      lineKind,
    }
    if (times > 1) frame = { ...frame, repeated: times, ...(cycle > 1 ? { cycle } : {}) }
    out.push(
      innermost && site.performing !== null && site.frame === f
        ? {
            ...frame,
            effect: describeEffect(site.performing.effect),
            handlers: verdictsOf(site.performing),
          }
        : frame,
    )
  }
  return out.reverse()
}

/** The user's program frames from the site out to its task's root, outermost first. */
function programFramesOf(site: OriginSite): Frame[] {
  const chain: Frame[] = []
  for (let f = site.frame; f !== null; f = f.parent) {
    if (f.kind === FRAME_PROMPT && (f as PromptFrame).taskRoot) break
    if (f.kind !== FRAME_PROGRAM || f.def === null) continue
    if (f.def.site?.internal) continue // effvm's own programs (scheduler, built-in handlers)
    chain.push(f)
  }
  return chain.reverse()
}

/** A frame to show; `times > 1`: it ends a block of `cycle` frames repeated `times` times. */
interface Shown {
  readonly frame: Frame
  readonly times: number
  readonly cycle: number
}

/** The longest block of frames (mutual recursion: isEven, isOdd) folded as one. */
const MAX_CYCLE = 4

/**
 * Folds repeated calls (a deep or runaway recursion) before any frame is described, so a
 * stack of a million frames costs a walk, not a million traceback entries: a block of up
 * to four frames of the same programs repeated back to back is shown once, its last frame
 * carrying the count. The innermost frame (the raising one) is never folded.
 */
function foldRepeats(chain: Frame[], live: OriginSite["live"]): Shown[] {
  const keys = chain.map((f) => foldKey(f, live))
  const n = chain.length - 1 // the innermost frame stays on its own
  const out: Shown[] = []
  let i = 0
  while (i < n) {
    let best = 1
    let bestTimes = 1
    for (let cycle = 1; cycle <= MAX_CYCLE && i + 2 * cycle <= n; cycle++) {
      let times = 1
      while (i + (times + 1) * cycle <= n && sameBlock(keys, i, i + times * cycle, cycle)) times++
      if (times > 1 && times * cycle > best * bestTimes) {
        best = cycle
        bestTimes = times
      }
    }
    for (let j = 0; j < best; j++) {
      const last = j === best - 1
      out.push({ frame: chain[i + j]!, times: last ? bestTimes : 1, cycle: best })
    }
    i += best * bestTimes
  }
  if (chain.length > 0) out.push({ frame: chain[chain.length - 1]!, times: 1, cycle: 1 })
  return out
}

function sameBlock(keys: readonly unknown[], a: number, b: number, length: number): boolean {
  for (let j = 0; j < length; j++) if (keys[a + j] !== keys[b + j]) return false
  return true
}

/** Frames fold together when they are calls of the same program shown at the same place. */
function foldKey(f: Frame, live: OriginSite["live"]): unknown {
  const capture = live?.get(f)
  if (capture === undefined) return f.def
  const at = firstUserLocation(capture)
  return `${f.def!.name}@${at?.file}:${at?.line}`
}

const stackEntry = /^\s*at (?:(.*?) \()?(.*?)(?::(\d+):(\d+))?\)?$/
const generatorStep = /\.(?:next|throw|return)$/

/**
 * The line the error was thrown from, when the frame's own code threw it: the user
 * locations on top of its stack, down to the generator step that ran them. An error made by
 * the machine or by a handler (an unhandled effect, a bad yield, a handler's throw) has no
 * generator step under its user locations, so it has no raise line.
 */
function raiseLocation(error: Error, programName: string): SourceLocation | undefined {
  const stack = typeof error.stack === "string" ? error.stack.split("\n") : []
  const userTop: SourceLocation[] = []
  for (const text of stack) {
    const m = stackEntry.exec(text)
    if (!m || !text.trimStart().startsWith("at ")) continue
    const fnName = m[1]
    if (m[3] === undefined) {
      // `at walk.next (<anonymous>)`: the generator step; what stood above it is the raise.
      if (fnName !== undefined && generatorStep.test(fnName)) break
      continue
    }
    let file = m[2] ?? ""
    if (file.startsWith("file://")) file = decodeURI(file.slice("file://".length))
    if (isInternalFile(file)) return ownLine(userTop, programName)
    userTop.push({
      functionName: fnName || undefined,
      file,
      line: Number(m[3]),
      column: Number(m[4]),
    })
  }
  if (userTop.length === 0) return undefined
  return ownLine(userTop, programName) ?? userTop[userTop.length - 1]
}

/** Among user locations, the one in the program's own generator function. */
function ownLine(userTop: SourceLocation[], programName: string): SourceLocation | undefined {
  return userTop.find((loc) => loc.functionName?.split(".").pop() === programName)
}

/**
 * The handlers that saw an effect, in the order they saw it, from the perform site out to
 * the handler that held the continuation last. Only unusual verdicts are recorded as they
 * happen (`k.trail`, error path only); passes are what every earlier accepting handler did.
 */
function verdictsOf(performing: Performing): TracebackVerdict[] {
  const effect = performing.effect as Effect<unknown>
  const out: TracebackVerdict[] = []
  // A handler that delegated links the continuation the outer handlers saw: follow it.
  for (let k: Continuation<unknown> | null | undefined = performing.k; k != null; ) {
    let next: Continuation<unknown> | undefined
    for (let p = k.top.prompt; p !== null; p = p.prompt) {
      if (!p.handler.accepts(effect)) continue
      const noted = k.trail?.find((t) => t.via === p)
      const last = p === k.bottom
      // The last handler of a delegated continuation that answered it "resumed" it; the
      // outcome the error records (performing.last) is the delegating handler's then.
      const answered = k !== performing.k && k.state === K_RESUMED
      out.push({
        handler: p.handler.name,
        verdict: noted?.verdict ?? (last ? (answered ? "resumed" : performing.last) : "passed"),
      })
      if (last) {
        next = noted?.next
        break
      }
    }
    k = next
  }
  return out
}
