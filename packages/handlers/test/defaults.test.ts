import { program, run, withHandlers } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { ask, defaultHandlers, get, log, modify, tell } from "../src/index.js"

const visit = program(function* visit() {
  const greeting = yield* ask<string>("greeting")
  const visits = yield* modify<number>("visits", (n) => n + 1)
  yield* tell(`${greeting} #${visits}`)
  yield* log("visited", visits)
  return yield* get<number>("visits")
})

describe("defaultHandlers", () => {
  it("is a list for withHandlers answering Ask, Get, Put, Modify, Tell and Log", () => {
    const hs = defaultHandlers({ env: { greeting: "hi" }, state: { visits: 0 } })
    expect(run(withHandlers(hs, visit))).toBe(1)
  })

  it("names its handlers so state, told and the log can be read back after the run", () => {
    const hs = defaultHandlers({ env: { greeting: "hi" }, state: { visits: 0 } })
    run(withHandlers(hs, visit))
    expect(hs.state.store.get("visits")).toBe(1)
    expect(hs.writer.told).toEqual(["hi #1"])
    expect(hs.log.entries.map((e) => e.message)).toEqual(["visited 1"])
  })

  it("works as run's handlers option", () => {
    const hs = defaultHandlers({ env: { greeting: "hi" }, state: { visits: 10 } })
    expect(run(visit, { handlers: hs })).toBe(11)
  })

  it("makes fresh stores on each call", () => {
    const options = { env: { greeting: "hi" }, state: { visits: 0 } }
    const first = run(withHandlers(defaultHandlers(options), visit))
    const second = run(withHandlers(defaultHandlers(options), visit))
    expect([first, second, options.state.visits]).toEqual([1, 1, 0])
  })
})
