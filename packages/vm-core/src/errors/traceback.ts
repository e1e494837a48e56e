import { describeEffect, describeValue, type Effect } from "../effect.js"
import { type Continuation, K_RESUMED, type Verdict } from "../machine/continuation.js"
import { argsOf, FRAME_PROGRAM, FRAME_PROMPT, type PromptFrame } from "../machine/frames.js"
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
  let innermost = true
  for (let f = site.frame; f !== null; f = f.parent) {
    if (f.kind === FRAME_PROMPT && (f as PromptFrame).taskRoot) break
    if (f.kind !== FRAME_PROGRAM || f.def === null) continue
    const p = f.def
    const defSite = p.site
    if (defSite?.internal) continue // effvm's own programs (scheduler, built-in handlers)
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
    const frame: TracebackFrame = {
      call,
      file: where ? shortPath(where.file) : undefined,
      line: where?.line,
      lineKind,
    }
    out.push(
      innermost && site.performing !== null && site.frame === f
        ? {
            ...frame,
            effect: describeEffect(site.performing.effect),
            handlers: verdictsOf(site.performing),
          }
        : frame,
    )
    innermost = false
  }
  return out.reverse()
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
