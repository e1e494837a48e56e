import { describeEffect, describeValue, type Effect } from "../effect.js"
import { type Continuation, K_CONSUMED, type Verdict } from "../machine/continuation.js"
import {
  argsOf,
  FRAME_HANDLER,
  FRAME_PROGRAM,
  FRAME_PROMPT,
  type Frame,
  type HandlerFrame,
  type PromptFrame,
} from "../machine/frames.js"
import { UnhandledEffectError } from "./errors.js"
import { jsStackOf, type OriginSite, type Performing, runSiteOf } from "./facts.js"
import { sitesOf, thrownValueOrigin } from "./origin.js"
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
   * `"raise"`: the line that threw (from the JS stack); `"live"`: the line the frame stood
   * at (a call into a helper function, or the suspension under `captureStacks: "full"`);
   * `"definition"`: the program's definition site (rendered as `(defined at)`).
   */
  readonly lineKind: "raise" | "live" | "definition"
  /**
   * `true` for a plain function (not a program) read from the error's JS stack: a helper
   * the raising frame called, or the user code an error with no program frames came from.
   */
  readonly plain?: boolean
  /** `true` for a handler's frame (`cache(Ask("db"), k)`): an error raised at its own step. */
  readonly handler?: boolean
  /** The effect the frame was performing when the error reached it, e.g. `Ask("db")`. */
  readonly effect?: string
  /** The handlers that saw that effect, in the order they saw it, with their verdicts. */
  readonly handlers?: readonly TracebackVerdict[]
  /**
   * For an unhandled effect: the handlers in scope that were not offered it (their
   * `handles` did not match), innermost first, so the traceback and the message agree.
   */
  readonly notOffered?: readonly string[]
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
 * The structured traceback of an error (docs/semantics.md §6). An error that never went through a
 * machine (or whose program frames are all effvm's own) gets one section of the user
 * frames of its JS stack, or, when that has none, of the code that ran it (`run(...)`). A thrown value that is not an object has a traceback when the
 * machine saw it thrown, else `undefined`; its `errorType` is `"thrown value"` and its
 * `message` its content, as for an object that is not an `Error`.
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
  if (error === null || typeof error !== "object") return thrownValueTraceback(error)
  if (seen.has(error)) return undefined
  seen.add(error)
  const sections: TracebackSection[] = []
  // Innermost first: the raising task, then each task the error crossed into, each site
  // with the spawn boundary of its task.
  sitesOf(error).forEach((site, i) => {
    sections.unshift({
      frames: framesOf(site, i === 0 ? error : undefined),
      boundary: site.boundary,
    })
  })
  if (sections.every((s) => s.frames.length === 0)) {
    const own = stackFrames(error)
    const runSite = runSiteOf(error)
    sections.splice(0, sections.length, {
      frames: own.length > 0 || runSite === undefined ? own : stackFrames(runSite, "live"),
      boundary: sections.at(-1)?.boundary,
    })
  }
  const e = error as {
    name?: unknown
    message?: unknown
    cause?: unknown
    errors?: unknown
    suppressed?: unknown
  }
  const errorLike = error instanceof Error || typeof e.message === "string"
  return {
    sections,
    errorType: !errorLike
      ? THROWN_VALUE
      : typeof e.name === "string"
        ? e.name
        : (error.constructor?.name ?? "Error"),
    message: errorLike ? String(e.message ?? "") : describeValue(error, THROWN_VALUE_BUDGET),
    cause: getTraceback(e.cause, seen),
    errors: tracebacksOf(e.errors, seen),
    suppressed: tracebacksOf(e.suppressed, seen),
  }
}

/** How a traceback names a thrown value that is not an error, and how much of it it shows. */
const THROWN_VALUE = "thrown value"
const THROWN_VALUE_BUDGET = 120

function thrownValueTraceback(value: unknown): Traceback | undefined {
  const origin = thrownValueOrigin(value)
  if (origin === undefined) return undefined
  return {
    sections: [{ frames: framesOf(origin, undefined), boundary: undefined }],
    errorType: THROWN_VALUE,
    message: describeValue(value, THROWN_VALUE_BUDGET),
    cause: undefined,
    errors: [],
    suppressed: [],
  }
}

function tracebacksOf(list: unknown, seen: Set<unknown>): Traceback[] {
  if (!Array.isArray(list)) return []
  return list.map((x) => getTraceback(x, seen)).filter((t): t is Traceback => t !== undefined)
}

/**
 * @internal How a traceback names a program frame: `leafWorker("1-2")`; `undefined` for a
 * frame that is not a user program's (a handler, a boundary, effvm's own programs).
 */
export function callOf(f: Frame): string | undefined {
  if (f.kind !== FRAME_PROGRAM || f.def === null || f.def.site?.internal) return undefined
  const args =
    argsOf(f)
      ?.map((v) => describeValue(v))
      .join(", ") ?? ""
  return `${f.def.name}(${args})`
}

/** The program frames from the site outwards to its task's root, outermost first. */
function framesOf(site: OriginSite, raised: object | undefined): TracebackFrame[] {
  const out: TracebackFrame[] = []
  const shown = foldRepeats(programFramesOf(site), site.live)
  // An error raised at a handler's own step (a continuation resumed twice) shows that
  // handler: its frame is where the mistake is.
  const atHandler = site.frame !== null && site.frame.kind === FRAME_HANDLER
  if (atHandler) out.push(handlerFrame(site.frame as HandlerFrame, site))
  for (let i = shown.length - 1; i >= 0; i--) {
    const { frame: f, times, cycle } = shown[i]!
    const innermost = i === shown.length - 1 && !atHandler
    const p = f.def!
    const defSite = p.site
    const call = callOf(f)!
    let where: SourceLocation | undefined
    let lineKind: TracebackFrame["lineKind"] = "definition"
    let helpers: TracebackFrame[] = []
    // An error thrown at a perform site was raised by a handler or the machine, not here.
    if (innermost && raised !== undefined && site.performing === null) {
      const raise = raiseLocation(raised, p.name)
      where = raise?.own
      helpers = raise?.helpers ?? []
    }
    if (where !== undefined) lineKind = helpers.length > 0 ? "live" : "raise"
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
    // Built innermost first and reversed at the end: the helpers, innermost first, go in
    // before the frame that called them.
    out.push(...helpers)
    out.push(
      innermost && site.performing !== null && site.frame === f
        ? performingFrame(frame, site.performing, raised)
        : frame,
    )
  }
  return out.reverse()
}

function handlerFrame(f: HandlerFrame, site: OriginSite): TracebackFrame {
  const live = site.live?.get(f)
  const where = live ? firstUserLocation(live) : undefined
  return {
    call: `${f.via.handler.name}(${describeEffect(f.k.effect)}, k)`,
    file: where ? shortPath(where.file) : undefined,
    line: where?.line,
    lineKind: where ? "live" : "definition",
    handler: true,
  }
}

function performingFrame(
  frame: TracebackFrame,
  performing: Performing,
  raised: object | undefined,
): TracebackFrame {
  const handlers = verdictsOf(performing)
  const withEffect = { ...frame, effect: describeEffect(performing.effect), handlers }
  if (!(raised instanceof UnhandledEffectError) || raised.effect !== performing.effect)
    return withEffect
  const offered = new Set(handlers.map((h) => h.handler))
  const notOffered = raised.handlersInScope.filter((name) => !offered.has(name))
  return notOffered.length > 0 ? { ...withEffect, notOffered } : withEffect
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
 * Where the error was thrown, when the frame's own code threw it: the user locations on
 * top of its stack, down to the generator step that ran them. `own` is the line in the
 * program's generator; `helpers` the user's plain functions it called on the way to the
 * `throw`, innermost first. An error made by the machine or by a handler (an unhandled
 * effect, a bad yield, a handler's throw) has no generator step under its user locations,
 * so it has no raise line.
 */
function raiseLocation(
  error: object,
  programName: string,
): { own: SourceLocation; helpers: TracebackFrame[] } | undefined {
  const userTop: SourceLocation[] = []
  let reachedStep = false
  for (const text of stackLines(error)) {
    const m = stackEntry.exec(text)
    if (!m || !text.trimStart().startsWith("at ")) continue
    const fnName = m[1]
    if (m[3] === undefined) {
      // `at walk.next (<anonymous>)`: the generator step; what stood above it is the raise.
      if (fnName !== undefined && generatorStep.test(fnName)) {
        reachedStep = true
        break
      }
      continue
    }
    const file = fileOf(m[2] ?? "")
    if (isInternalFile(file)) break
    userTop.push({
      functionName: fnName || undefined,
      file,
      line: Number(m[3]),
      column: Number(m[4]),
    })
  }
  const ownIndex = userTop.findIndex((loc) => loc.functionName?.split(".").pop() === programName)
  const at = ownIndex >= 0 ? ownIndex : reachedStep ? userTop.length - 1 : -1
  if (at < 0) return undefined
  const helpers = userTop
    .slice(0, at)
    .filter((loc) => isUserFile(loc.file))
    .map((loc, i) => plainFrame(loc, i === 0 ? "raise" : "live"))
  return { own: userTop[at]!, helpers }
}

/** The user frames of an error's JS stack, outermost first (an error no machine saw). */
function stackFrames(
  error: object,
  innermost: TracebackFrame["lineKind"] = "raise",
): TracebackFrame[] {
  const out: TracebackFrame[] = []
  for (const text of stackLines(error)) {
    const m = stackEntry.exec(text)
    if (!m || !text.trimStart().startsWith("at ") || m[3] === undefined) continue
    const file = fileOf(m[2] ?? "")
    if (!isUserFile(file)) continue
    const loc = { functionName: m[1] || undefined, file, line: Number(m[3]), column: Number(m[4]) }
    out.push(plainFrame(loc, out.length === 0 ? innermost : "live"))
  }
  // The outermost nameless frame is a module's top-level code, as Python's `<module>`.
  const outermost = out[out.length - 1]
  if (outermost?.call === "<anonymous>()") out[out.length - 1] = { ...outermost, call: "<module>" }
  return out.reverse()
}

function plainFrame(loc: SourceLocation, lineKind: TracebackFrame["lineKind"]): TracebackFrame {
  const name = (loc.functionName ?? "").replace(/^(?:Object|Module|async)\.?\s*/, "")
  return {
    call: `${name || "<anonymous>"}()`,
    file: shortPath(loc.file),
    line: loc.line,
    lineKind,
    plain: true,
  }
}

function stackLines(error: object): string[] {
  const stack = jsStackOf(error)
  return typeof stack === "string" ? stack.split("\n") : []
}

function fileOf(text: string): string {
  return text.startsWith("file://") ? decodeURI(text.slice("file://".length)) : text
}

/** User code: not effvm's own, not Node's, not a dependency in `node_modules`. */
function isUserFile(file: string): boolean {
  return (
    file !== "" &&
    file !== "<anonymous>" &&
    !isInternalFile(file) &&
    !file.includes("/node_modules/") &&
    !file.startsWith("node:")
  )
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
      const answered = k !== performing.k && k.state === K_CONSUMED
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
