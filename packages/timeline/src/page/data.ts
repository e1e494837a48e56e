import type { TimelineModel } from "../model.js"

/** What the page's script reads from its JSON block. */
export interface PageData {
  readonly title: string
  readonly model: TimelineModel
  readonly outcome: PageOutcome
}

/** How the run ended, as the page shows it. */
export interface PageOutcome {
  readonly status: "done" | "failed" | "stopped" | "unknown"
  /** The value (done) or the error's one line (failed, stopped); "" when unknown. */
  readonly text: string
  /** The run's traceback text (failed, stopped), or "". */
  readonly traceback: string
  /** The lane of the task the failure started in, or -1. */
  readonly originLane: number
}
