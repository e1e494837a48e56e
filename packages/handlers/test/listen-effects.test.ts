import { program, run, withHandlers } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { Log, listen, log, logger, Tell, tell, writer } from "../src/index.js"

const work = program(function* work() {
  yield* log("starting")
  yield* tell("a")
  yield* log("halfway")
  yield* tell("b")
  return 42
})

describe("listen with effects", () => {
  it("collects the effect objects of the given classes, in the order they were performed", () => {
    const w = writer()
    const logs = logger({ now: () => 0 })
    const [result, seen] = run(withHandlers([logs, w], listen(work, { effects: [Log, Tell] })))
    expect(result).toBe(42)
    expect(seen.map((e) => e.constructor.name)).toEqual(["Log", "Tell", "Log", "Tell"])
    expect(seen[1]).toBeInstanceOf(Tell)
    expect((seen[1] as Tell).value).toBe("a")
  })

  it("still passes the collected effects to the handlers outside", () => {
    const w = writer()
    const logs = logger({ now: () => 0 })
    run(withHandlers([logs, w], listen(work, { effects: [Log, Tell] })))
    expect(w.told).toEqual(["a", "b"])
    expect(logs.entries.map((e) => e.message)).toEqual(["starting", "halfway"])
  })

  it("collects Tell's values by default, as before", () => {
    const [, told] = run(withHandlers([logger(), writer()], listen(work)))
    expect(told).toEqual(["a", "b"])
  })

  it("rejects an effects option that is not a non-empty array of classes", () => {
    expect(() => listen(work, { effects: [] })).toThrow(/non-empty array of effect classes/)
    expect(() => listen(work, { effects: ["Log"] as never })).toThrow(TypeError)
  })
})
