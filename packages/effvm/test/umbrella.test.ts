import * as handlers from "@effvm/handlers"
import * as interop from "@effvm/interop"
import * as scheduler from "@effvm/scheduler"
import * as timeline from "@effvm/timeline"
import * as vmCore from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import * as effvm from "../src/index.js"
import * as effvmInterop from "../src/interop.js"

/** Names `from` exports that `to` does not export as the very same value. */
function missing(from: Record<string, unknown>, to: Record<string, unknown>): string[] {
  return Object.keys(from).filter((name) => to[name] !== from[name])
}

describe("effvm re-exports", () => {
  it("every export of @effvm/vm-core, @effvm/handlers and @effvm/scheduler, as the same values", () => {
    expect(missing(vmCore, effvm)).toEqual([])
    expect(missing(handlers, effvm)).toEqual([])
    expect(missing(scheduler, effvm)).toEqual([])
  })

  it("every export of @effvm/timeline, as the same values", () => {
    expect(missing(timeline, effvm)).toEqual([])
  })

  it("every export of @effvm/interop at effvm/interop, and none of it at the main entry", () => {
    expect(missing(interop, effvmInterop)).toEqual([])
    expect(Object.keys(interop).filter((name) => name in effvm)).toEqual([])
  })

  it("runs a program built from the one import", () => {
    const main = effvm.program(function* main() {
      const task = yield* effvm.spawn(
        effvm.program(function* child() {
          yield* effvm.sleep(5)
          return yield* effvm.ask<string>("who")
        }),
      )
      return `hello ${yield* effvm.wait(task)}`
    })

    const body = effvm.scheduled(main, { clock: new effvm.VirtualClock() })
    expect(effvm.run(body, { handlers: effvm.defaultHandlers({ env: { who: "ada" } }) })).toBe(
      "hello ada",
    )
  })
})
