import { describeValue } from "../effect.js"
import { FRAME_PROGRAM, FRAME_PROMPT, type Frame, type PromptFrame } from "../machine/frames.js"
import { getExecutionContext } from "./context.js"
import { originOf } from "./origin.js"
import { firstUserLocation, isInternalFile, shortPath } from "./site.js"

/** One program frame of a traceback. */
export interface TracebackFrame {
  /** The program's name and arguments, e.g. `leafWorker("1-2")`. */
  readonly call: string
  readonly file: string | undefined
  readonly line: number | undefined
  /** `"raise"` for the line that threw, `"definition"` for a program's definition site. */
  readonly lineKind: "raise" | "definition"
}

/** A task section: the frames of one task, and the boundary that spawned it. */
export interface TracebackSection {
  readonly frames: TracebackFrame[]
  /** The spawn boundary entry of this task (SPEC §7), when one was recorded. */
  readonly boundary: Readonly<Record<string, unknown>> | undefined
}

/** The structured traceback of an error (SPEC §6). */
export interface Traceback {
  /** Task sections, outermost first; the last holds the raising frame. */
  readonly sections: TracebackSection[]
  readonly errorType: string
  readonly message: string
  /** The traceback of `error.cause`, when it is an error too. */
  readonly cause: Traceback | undefined
  /** Tracebacks of an AggregateError's errors. */
  readonly errors: Traceback[]
}

/**
 * The structured traceback of an error that went through an effvm machine, or `undefined`
 * for an error the machine never saw.
 *
 * @example
 * ```ts
 * try { run(main()) } catch (e) { getTraceback(e)?.sections.at(-1)?.frames }
 * ```
 */
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
    const sites = [origin.frame, ...origin.crossings]
    sites.forEach((site, i) => {
      sections.unshift({
        frames: framesOf(site, i === 0 ? (error as Error) : undefined),
        boundary: boundaries[i],
      })
    })
  }
  const e = error as { name?: unknown; message?: unknown; cause?: unknown; errors?: unknown }
  return {
    sections,
    errorType: typeof e.name === "string" ? e.name : (error.constructor?.name ?? "Error"),
    message: typeof e.message === "string" ? e.message : describeValue(error),
    cause: getTraceback(e.cause, seen),
    errors: Array.isArray(e.errors)
      ? e.errors.map((x) => getTraceback(x, seen)).filter((t): t is Traceback => t !== undefined)
      : [],
  }
}

/** The program frames from `site` outwards to its task's root, outermost first. */
function framesOf(site: Frame | null, raised: Error | undefined): TracebackFrame[] {
  const out: TracebackFrame[] = []
  for (let f = site; f !== null; f = f.parent) {
    if (f.kind === FRAME_PROMPT && (f as PromptFrame).taskRoot) break
    if (f.kind !== FRAME_PROGRAM || f.program === null) continue
    const p = f.program
    const def = p.def.site?.location
    const args = p.args ? p.args.map(describeValue).join(", ") : ""
    out.push({
      call: `${p.name}(${args})`,
      file: def ? shortPath(def.file) : undefined,
      line: def?.line,
      lineKind: "definition",
    })
  }
  out.reverse()
  if (raised !== undefined && out.length > 0) {
    const loc = firstUserLocation(raised)
    const last = out[out.length - 1]!
    if (loc !== undefined && !isInternalFile(loc.file)) {
      out[out.length - 1] = {
        ...last,
        file: shortPath(loc.file),
        line: loc.line,
        lineKind: "raise",
      }
    }
  }
  return out
}
