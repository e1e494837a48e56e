// docs/semantics.md §10 "Exports added by this section", imported by package name as a user would.

import * as handlers from "@effvm/handlers"
import * as scheduler from "@effvm/scheduler"
import * as core from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

// Plain records, so the lookups by name below are ordinary property reads.
const coreExports: Record<string, unknown> = { ...core }
const handlerExports: Record<string, unknown> = { ...handlers }
const schedulerExports: Record<string, unknown> = { ...scheduler }

describe("exports added by docs/semantics.md §10", () => {
  it("@effvm/vm-core exports runOutcome, runOutcomeAsync and StopError", () => {
    expect(typeof core.runOutcome).toBe("function")
    expect(typeof core.runOutcomeAsync).toBe("function")
    expect(typeof core.StopError).toBe("function")
  })

  it("@effvm/scheduler exports every, taskStats, WatchdogError, StopError, cancelScope, any, gatherN, ReplayDivergenceError", () => {
    for (const name of [
      "every",
      "taskStats",
      "WatchdogError",
      "StopError",
      "cancelScope",
      "any",
      "gatherN",
      "ReplayDivergenceError",
    ] as const) {
      expect(typeof schedulerExports[name], name).toBe("function")
    }
    expect(scheduler.StopError).toBe(core.StopError)
  })

  it("@effvm/handlers' state takes { perTask, shared }", () => {
    expect(() => handlers.state({ a: 1 }, { perTask: true, shared: ["a"] })).not.toThrow()
  })

  it("the error classes are Errors; StopError is an Interrupt and the others are not", () => {
    expect(new core.StopError()).toBeInstanceOf(core.Interrupt)
    expect(scheduler.WatchdogError.prototype).toBeInstanceOf(Error)
    expect(scheduler.ReplayDivergenceError.prototype).toBeInstanceOf(Error)
    expect(scheduler.WatchdogError.prototype).not.toBeInstanceOf(core.Interrupt)
    expect(scheduler.ReplayDivergenceError.prototype).not.toBeInstanceOf(core.Interrupt)
  })

  it("the §9 names are all still exported", () => {
    for (const name of [
      "Effect",
      "fn",
      "program",
      "pure",
      "handler",
      "withHandler",
      "withHandlers",
      "Resume",
      "Transfer",
      "ResumeThrow",
      "TransferThrow",
      "Pass",
      "Delegate",
      "run",
      "runAsync",
      "createVM",
      "GetExecutionContext",
      "ExecutionContext",
      "getExecutionContext",
      "getTraceback",
      "formatTraceback",
      "Interrupt",
      "UnhandledEffectError",
      "ContinuationError",
    ] as const) {
      expect(coreExports[name], name).toBeDefined()
    }
    for (const name of [
      "Ask",
      "Get",
      "Put",
      "Modify",
      "Tell",
      "Log",
      "ask",
      "local",
      "get",
      "put",
      "modify",
      "tell",
      "listen",
      "attempt",
      "log",
      "reader",
      "state",
      "writer",
      "defaultHandlers",
    ] as const) {
      expect(handlerExports[name], name).toBeDefined()
    }
    for (const name of [
      "scheduled",
      "spawn",
      "wait",
      "gather",
      "gatherSettled",
      "race",
      "cancel",
      "sleep",
      "awaitPromise",
      "createPromise",
      "completePromise",
      "failPromise",
      "createSemaphore",
      "acquire",
      "release",
      "TaskCancelledError",
      "SchedulerDeadlockError",
      "VirtualClock",
      "realClock",
    ] as const) {
      expect(schedulerExports[name], name).toBeDefined()
    }
  })
})
