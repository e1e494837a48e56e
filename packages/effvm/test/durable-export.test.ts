import * as durable from "@effvm/durable"
import { describe, expect, it } from "vitest"

describe("effvm/durable", () => {
  it("re-exports @effvm/durable", async () => {
    const reexport = await import("effvm/durable")
    expect(reexport.record).toBe(durable.record)
    expect(reexport.replay).toBe(durable.replay)
    expect(reexport.JournalDivergenceError).toBe(durable.JournalDivergenceError)
  })
})
