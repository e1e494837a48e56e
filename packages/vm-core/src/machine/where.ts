import { liveLinesFrom } from "../errors/live-lines.js"
import { firstUserLocation, shortPath } from "../errors/site.js"
import { FRAME_PROGRAM, FRAME_PROMPT, type Frame, type PromptFrame } from "./frames.js"

/**
 * One program frame of a continuation, as `k.frames` shows it: the program's name and a
 * source location (the line the frame stands at under `captureStacks: "full"`, else where
 * the program is defined).
 *
 * @example
 * ```ts
 * const top: ContinuationFrame = k.frames[0]!
 * console.log(`${top.name} ${top.file}:${top.line}`)
 * ```
 */
export interface ContinuationFrame {
  readonly name: string
  readonly file: string | undefined
  readonly line: number | undefined
}

/** The user's program frames from `top` outwards to its task's root (effvm's own hidden). */
export function programFramesFrom(top: Frame): ContinuationFrame[] {
  const live = liveLinesFrom(top)
  const out: ContinuationFrame[] = []
  for (let f: Frame | null = top; f !== null; f = f.parent) {
    if (f.kind === FRAME_PROMPT && (f as PromptFrame).taskRoot) break
    if (f.kind !== FRAME_PROGRAM || f.def === null) continue
    const site = f.def.site
    if (site?.internal) continue
    const capture = live?.get(f)
    const where = (capture ? firstUserLocation(capture) : undefined) ?? site?.location
    out.push({
      name: f.def.name,
      file: where ? shortPath(where.file) : undefined,
      line: where?.line,
    })
  }
  return out
}
