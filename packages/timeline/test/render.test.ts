import type { TraceEvent } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { renderTimeline } from "../src/index.js"
import { knownRun } from "./runs.js"

/** The JSON the page's script reads. */
function pageData(html: string): {
  title: string
  outcome: { status: string; text: string; traceback: string; originLane: number }
} {
  const match = /<script type="application\/json" id="timeline-data">(.*?)<\/script>/s.exec(html)
  if (match === null) throw new Error("no data block in the page")
  return JSON.parse(match[1]!)
}

describe("renderTimeline", () => {
  it("gives one page with its style, data and script inline, and a policy that forbids fetching", () => {
    const html = renderTimeline(knownRun().events)

    expect(html.startsWith("<!doctype html>")).toBe(true)
    expect(html).toContain("<style>")
    expect(html).toContain("default-src 'none'")
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/)
  })

  it("highlights the task the run's error escaped from, with the run's traceback", () => {
    const { events, outcome } = knownRun()
    const data = pageData(renderTimeline(events, { outcome }))

    expect(data.outcome.status).toBe("failed")
    expect(data.outcome.originLane).toBe(3)
    expect(data.outcome.text).toBe("Error: corrupt data for item 1-2")
    expect(data.outcome.traceback).toContain('── in task 4 "leaf"')
  })

  it("takes the error alone, and a traceback text given with it", () => {
    const { events } = knownRun()
    const data = pageData(
      renderTimeline(events, { error: new Error("boom"), traceback: "the traceback text" }),
    )

    expect(data.outcome).toMatchObject({
      status: "failed",
      text: "Error: boom",
      traceback: "the traceback text",
    })
  })

  it("shows the value of a run that finished", () => {
    const data = pageData(renderTimeline([], { outcome: { status: "done", value: { total: 3 } } }))

    expect(data.outcome).toMatchObject({ status: "done", text: '{"total":3}', originLane: -1 })
  })

  it("keeps names that look like markup as text", () => {
    const events: TraceEvent[] = [
      { kind: "spawn", step: 1, taskId: 2, time: 0, name: "</script><b>x</b>", parentId: 1 },
    ]
    const html = renderTimeline(events, { title: "<i>run</i>" })

    expect(html).toContain("<title>&lt;i&gt;run&lt;/i&gt;</title>")
    expect(html).not.toContain("</script><b>")
    expect(JSON.stringify(pageData(html))).toContain("</script><b>x</b>")
  })

  it("names a value that is not an array of events", () => {
    expect(() => renderTimeline({ kind: "spawn" } as unknown as TraceEvent[])).toThrow(
      /renderTimeline\(events\): events must be an array of trace events .*got \[object Object\]/,
    )
  })

  it("names a bad option", () => {
    expect(() => renderTimeline([], { title: 3 as unknown as string })).toThrow(
      "renderTimeline(events, { title }): title must be a string, got 3",
    )
    expect(() =>
      renderTimeline([], { outcome: { status: "maybe" } as unknown as { status: "done" } }),
    ).toThrow('outcome.status must be "done", "failed" or "stopped", got "maybe"')
  })
})
