import { inspect } from "node:util"
import { defaultHandlers } from "@effvm/handlers"
import { realClock, scheduled, VirtualClock } from "@effvm/scheduler"
import type { TimelineOutcome } from "@effvm/timeline"
import {
  formatTraceback,
  getTraceback,
  type RunOptions,
  runAsync,
  StopError,
  type TraceEvent,
} from "@effvm/vm-core"
import type { RunCommand } from "./arguments.js"
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK } from "./exit-codes.js"
import { EXIT_INTERRUPTED, stopOnSignals } from "./interrupt.js"
import { BadInput, loadProgram, ModuleFailure } from "./load-module.js"

/**
 * `effvm run`: loads the program, runs it under the scheduler and the default handlers with
 * `runAsync`, prints its value (stdout) or its traceback (stderr), and returns the exit code.
 */
export async function runModule(command: RunCommand): Promise<number> {
  let body: Awaited<ReturnType<typeof loadProgram>>
  try {
    body = await loadProgram(command.module, command.exportName)
  } catch (error) {
    if (error instanceof BadInput) {
      process.stderr.write(`effvm: ${error.message}\n`)
      return EXIT_BAD_INPUT
    }
    if (error instanceof ModuleFailure) {
      process.stderr.write(`effvm: ${error.stage}:\n${describeFailure(error.error)}\n`)
      return EXIT_FAILED
    }
    throw error
  }
  const handlers = defaultHandlers({
    env: { ...command.env },
    log: {
      keep: false,
      sink: (entry) => process.stderr.write(`[${entry.level}] ${entry.message}\n`),
    },
  })
  const clock = command.virtualClock ? new VirtualClock() : realClock
  const scheduler = command.quanta === undefined ? { clock } : { clock, quanta: command.quanta }
  // captureStacks rides along for a vm-core that reads it as a run option; the
  // EFFVM_CAPTURE_STACKS variable (set before vm-core loaded) covers the rest.
  const stop = stopOnSignals()
  const events: TraceEvent[] | null = command.timeline === undefined ? null : []
  const options: RunOptions = {
    handlers,
    signal: stop.signal,
    ...(command.captureStacks === "full" ? { captureStacks: "full" } : {}),
    ...(events === null
      ? {}
      : { trace: "full", onEvent: (event: TraceEvent) => events.push(event) }),
  }
  let outcome: TimelineOutcome
  let code: number
  try {
    const result = await runAsync(scheduled(body, scheduler), options)
    if (result !== undefined) process.stdout.write(`${render(result)}\n`)
    outcome = { status: "done", value: result }
    code = EXIT_OK
  } catch (error) {
    const signal = stop.received()
    if (signal !== null && error instanceof StopError) {
      process.stderr.write(`effvm: stopped by ${signal}\n`)
      outcome = { status: "stopped", error }
      code = EXIT_INTERRUPTED
    } else {
      process.stderr.write(`${describeFailure(error)}\n`)
      outcome = { status: "failed", error }
      code = EXIT_FAILED
    }
  } finally {
    stop.detach()
  }
  if (events === null || command.timeline === undefined) return code
  const { writeTimeline } = await import("./timeline.js")
  return writeTimeline(events, outcome, command.timeline) ? code : EXIT_BAD_INPUT
}

function render(value: unknown): string {
  return typeof value === "string" ? value : inspect(value, { depth: 8, colors: false })
}

/** The traceback of an error that went through the machine, else its JS stack. */
function describeFailure(error: unknown): string {
  if (getTraceback(error) !== undefined) return formatTraceback(error)
  if (error instanceof Error && typeof error.stack === "string") return error.stack
  return String(error)
}
