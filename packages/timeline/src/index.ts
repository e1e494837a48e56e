/**
 * See a run: `renderTimeline(events)` turns the events of a traced run (`trace: "full"` or
 * `"min"`) into one self-contained HTML page, a lane per task with its activations, marks
 * and performs. docs/timeline.md shows it.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs"
 * import { renderTimeline } from "@effvm/timeline"
 * const events: TraceEvent[] = []
 * const outcome = runOutcome(scheduled(main), { trace: "full", onEvent: (e) => events.push(e) })
 * writeFileSync("run.html", renderTimeline(events, { outcome }))
 * ```
 * @packageDocumentation
 */

export { renderTimeline, type TimelineOptions, type TimelineOutcome } from "./render.js"
