import { describeValue } from "../effect.js"
import type { Verdict } from "../machine/continuation.js"
import type { Traceback, TracebackFrame, TracebackSection } from "./traceback.js"
import { getTraceback } from "./traceback.js"

/** Marks a frame whose location is its program's definition, not the line it stood at. */
const DEFINED_AT = "(defined at)"

const causeSentence = "The above exception was the direct cause of the following exception:"
const suppressedSentence =
  "The above exception was suppressed: it was raised while the following exception propagated."

/** How a traceback marks each handler's verdict (documented in docs/errors.md). */
export const verdictSymbols: Readonly<Record<Verdict, string>> = {
  resumed: "↩",
  transferred: "⇢",
  passed: "↗",
  delegated: "⤴",
  threw: "✗",
  aborted: "⊘",
}

/**
 * Renders an error's traceback in Python's style (docs/semantics.md §6): header first, the frames
 * outermost first with their source lines, a separator per spawned task, repeats folded as
 * `[×N]`, causes first with Python's sentence, and `Type: message` last.
 *
 * @example
 * ```ts
 * try { run(main()) } catch (e) { console.error(formatTraceback(e)) }
 * ```
 */
export function formatTraceback(error: unknown): string {
  const tb = getTraceback(error) ?? {
    sections: [],
    errorType: "thrown value",
    message: describeValue(error, 120),
    cause: undefined,
    errors: [],
    suppressed: [],
  }
  return render(tb).join("\n")
}

function render(tb: Traceback): string[] {
  const lines: string[] = []
  if (tb.cause !== undefined) lines.push(...render(tb.cause), "", causeSentence, "")
  for (const sub of tb.suppressed) lines.push(...render(sub), "", suppressedSentence, "")
  lines.push("effvm Traceback (most recent call last):")
  if (tb.sections.every((section) => section.frames.length === 0))
    lines.push("", "  (no frames outside effvm)")
  tb.sections.forEach((section, i) => {
    // Every task names itself, the first too; the root task (no boundary) needs no name.
    if (section.boundary !== undefined) {
      const b = section.boundary
      const site = typeof b.spawnSite === "string" ? ` (spawned at ${b.spawnSite})` : ""
      const name = typeof b.name === "string" && b.name ? ` "${b.name}"` : ""
      lines.push("", `  ── in task ${String(b.taskId)}${name}${site} ──`)
    }
    const cleanup = section.boundary?.cleanup
    if (typeof cleanup === "string") lines.push("", `  ${cleanupNote(section.boundary!, cleanup)}`)
    for (const [frame, count] of folded(section.frames)) {
      lines.push("", `  ${frame.call}  ${whereOf(frame)}`)
      const text = sourceLine(frame)
      if (text) lines.push(`    ${text}`)
      if (count > 1)
        lines.push(
          frame.cycle ? `    [the ${frame.cycle} frames above ×${count}]` : `    [×${count}]`,
        )
      lines.push(...performingLines(frame))
    }
    const crossed = crossingNote(section, tb.sections[i + 1])
    if (crossed) lines.push(crossed)
  })
  tb.errors.forEach((sub, i) => {
    lines.push("", `  +-- ${i + 1} --`, ...render(sub).map((l) => `  | ${l}`))
  })
  lines.push("", `${tb.errorType}: ${tb.message}`)
  return lines
}

/** `file:line`, marked when it is a definition site; a handler's frame says it is one. */
function whereOf(frame: TracebackFrame): string {
  if (frame.file === undefined && frame.handler) return "(handler)"
  const where = `${frame.file ?? "<unknown>"}${frame.line ? `:${frame.line}` : ""}`
  return frame.lineKind === "definition" ? `${DEFINED_AT} ${where}` : where
}

/** `raised during cleanup of task 4 "leaf 1-1" (cancelled)`: a finally raised it. */
function cleanupNote(b: Readonly<Record<string, unknown>>, why: string): string {
  const name = typeof b.name === "string" && b.name ? ` "${b.name}"` : ""
  return `raised during cleanup of task ${String(b.taskId)}${name} (${why})`
}

/** The effect a frame was performing and each handler's verdict on it. */
function performingLines(frame: TracebackFrame): string[] {
  if (frame.effect === undefined) return []
  const handlers = frame.handlers ?? []
  const seen = handlers.map((h) => `${h.handler} ${verdictSymbols[h.verdict]}`).join(", ")
  const notOffered = frame.notOffered?.length ? frame.notOffered.join(", ") : undefined
  const line =
    seen && notOffered
      ? `${seen}; in scope but not offered it: ${notOffered}`
      : seen || (notOffered ? `none handles it (in scope: ${notOffered})` : "none in scope")
  return [`    performing ${frame.effect}`, `    handlers: ${line}`]
}

/** Under the frame an error crossed into: which task it came from, and during what. */
function crossingNote(
  section: TracebackSection,
  next: TracebackSection | undefined,
): string | undefined {
  const taskId = next?.boundary?.taskId
  const last = section.frames[section.frames.length - 1]
  if (taskId === undefined || last?.effect === undefined) return undefined
  const paren = last.effect.indexOf("(")
  const during = paren > 0 ? last.effect.slice(0, paren) : last.effect
  return `    ⇢ task ${String(taskId)} failed during ${during}`
}

/** Consecutive identical frames (deep recursion) collapse into one with a count. */
function folded(frames: readonly TracebackFrame[]): [TracebackFrame, number][] {
  const out: [TracebackFrame, number][] = []
  for (const f of frames) {
    const last = out[out.length - 1]
    if (f.cycle !== undefined) out.push([f, f.repeated ?? 1])
    else if (
      last &&
      last[0].cycle === undefined &&
      last[0].file === f.file &&
      last[0].line === f.line &&
      sameName(last[0].call, f.call)
    )
      last[1] += f.repeated ?? 1
    else out.push([f, f.repeated ?? 1])
  }
  return out
}

function sameName(a: string, b: string): boolean {
  return a.slice(0, a.indexOf("(")) === b.slice(0, b.indexOf("("))
}

const fileCache = new Map<string, string[] | null>()

/** The source text of a frame's line, read lazily and cached (only when rendering). */
function sourceLine(frame: TracebackFrame): string | undefined {
  if (!frame.file || !frame.line) return undefined
  let lines = fileCache.get(frame.file)
  if (lines === undefined) {
    lines = null
    try {
      const fs = (
        globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
      ).process?.getBuiltinModule?.("node:fs") as
        | { readFileSync(path: string, enc: string): string }
        | undefined
      if (fs) lines = fs.readFileSync(frame.file, "utf8").split("\n")
    } catch {
      lines = null
    }
    fileCache.set(frame.file, lines)
  }
  return lines?.[frame.line - 1]?.trim() || undefined
}
