import { writeFileSync } from "node:fs"
import { renderTimeline, type TimelineOutcome } from "@effvm/timeline"
import type { TraceEvent } from "@effvm/vm-core"

/**
 * `--timeline FILE`: writes the timeline page of a traced run (its events and how it ended)
 * to `file`, and says so on stderr. Returns false, after printing why, when the file cannot
 * be written. For every command that runs or replays a program.
 */
export function writeTimeline(
  events: readonly TraceEvent[],
  outcome: TimelineOutcome,
  file: string,
): boolean {
  try {
    writeFileSync(file, renderTimeline(events, { outcome, title: `effvm timeline: ${file}` }))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    process.stderr.write(`effvm: could not write the timeline to ${file}: ${reason}\n`)
    return false
  }
  process.stderr.write(`effvm: timeline of ${events.length} events written to ${file}\n`)
  return true
}
