import { program, run, withHandler } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { type LogEntry, log, logger } from "../src/index.js"

function fixedClock(start: number): () => number {
  let t = start
  return () => t++
}

describe("log", () => {
  it("collects structured entries (level, message, args, time) the run can read back", () => {
    const main = program(function* main() {
      yield* log("user signed in", { id: 7 })
    })
    const logs = logger({ now: fixedClock(1000) })
    run(withHandler(logs, main))
    expect(logs.entries).toEqual([
      {
        seq: 0,
        level: "info",
        message: 'user signed in {"id":7}',
        args: ["user signed in", { id: 7 }],
        time: 1000,
      },
    ])
  })

  it("records the level chosen with log.debug / info / warn / error", () => {
    const main = program(function* main() {
      yield* log.debug("d")
      yield* log.info("i")
      yield* log.warn("w")
      yield* log.error("e")
    })
    const logs = logger()
    run(withHandler(logs, main))
    expect(logs.entries.map((e) => e.level)).toEqual(["debug", "info", "warn", "error"])
  })

  it("drops entries below the logger's level", () => {
    const main = program(function* main() {
      yield* log.debug("noise")
      yield* log.warn("signal")
    })
    const logs = logger({ level: "warn" })
    run(withHandler(logs, main))
    expect(logs.entries.map((e) => e.message)).toEqual(["signal"])
  })

  it("hands each entry to the sink as it is logged", () => {
    const seen: LogEntry[] = []
    const main = program(function* main() {
      yield* log("one")
      yield* log("two")
    })
    run(withHandler(logger({ sink: (e) => seen.push(e), keep: false }), main))
    expect(seen.map((e) => e.message)).toEqual(["one", "two"])
  })

  it("keeps nothing in entries when keep is false", () => {
    const main = program(function* main() {
      yield* log("one")
    })
    const logs = logger({ keep: false })
    run(withHandler(logs, main))
    expect(logs.entries).toEqual([])
  })

  it("renders errors and non-string arguments compactly in the message", () => {
    const main = program(function* main() {
      yield* log.error("failed:", new TypeError("bad"), 3, null, [1, 2])
    })
    const logs = logger()
    run(withHandler(logs, main))
    expect(logs.entries[0]!.message).toBe("failed: TypeError: bad 3 null [1,2]")
  })
})
