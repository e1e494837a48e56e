// The questions the scheduler asks of a task's internal state, answered by name for every
// state (the states' numbers carry no order).
import { describe, expect, it } from "vitest"
import {
  hasBodyEnded,
  isFinished,
  S_BLOCKED,
  S_CANCELLED,
  S_DONE,
  S_ENDING,
  S_FAILED,
  S_NEW,
  S_READY,
  S_RUNNING,
  statusOf,
  type TaskState,
} from "../src/task-state.js"

const every: readonly TaskState[] = [
  S_NEW,
  S_READY,
  S_RUNNING,
  S_BLOCKED,
  S_ENDING,
  S_DONE,
  S_FAILED,
  S_CANCELLED,
]

describe("task states", () => {
  it("counts a task as finished only once it is done, failed or cancelled", () => {
    expect(every.filter(isFinished).map(statusOf)).toEqual(["done", "failed", "cancelled"])
  })

  it("counts a task's body as ended once the task is ending or finished", () => {
    expect(every.filter(hasBodyEnded).map(statusOf)).toEqual([
      "ending",
      "done",
      "failed",
      "cancelled",
    ])
  })

  it("shows a task that never ran as ready", () => {
    expect(statusOf(S_NEW)).toBe("ready")
  })
})
