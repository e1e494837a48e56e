import { describe, expect, it } from "vitest"
import { runPipeline } from "../../../examples/scheduler/pipeline.js"

describe("examples/scheduler/pipeline", () => {
  it("runs the pipeline on the virtual clock and prints each item's result", () => {
    const lines = runPipeline()

    expect(lines.slice(-5)).toEqual([
      "[ 300 ms] alpha: ALPHA",
      "[ 300 ms] beta: BETA",
      "[ 300 ms] corrupt-gamma: failed (cannot parse <corrupt-gamma>)",
      "[ 300 ms] delta: failed (timed out after 300 ms)",
      "[ 300 ms] epsilon: EPSILON",
    ])
    expect(lines).toContain("[  40 ms] download corrupt-gamma started")
  })
})
