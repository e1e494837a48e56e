import { inspect } from "node:util"
import { defaultHandlers } from "@effvm/handlers"
import { realClock, scheduled, VirtualClock } from "@effvm/scheduler"
import type { TimelineOutcome } from "@effvm/timeline"
import {
  formatTraceback,
  getTraceback,
  type Program,
  type RunOptions,
  runAsync,
  StopError,
  type TraceEvent,
} from "@effvm/vm-core"
import type { RunCommand } from "./arguments.js"
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK } from "./exit-codes.js"
import { EXIT_INTERRUPTED, stopOnSignals } from "./interrupt.js"
import { BadInput, loadProgram, ModuleFailure } from "./load-module.js"

/** What a run needs besides its program: `effvm run`'s options, also kept in a journal. */
export interface RunSetup {
  readonly module: string
  readonly exportName: string
  readonly env: Readonly<Record<string, string>>
  readonly captureStacks: "full" | undefined
  readonly virtualClock: boolean
  readonly quanta: number | undefined
}

/**
 * `effvm run`: loads the program, runs it under the scheduler and the default handlers with
 * `runAsync`, prints its value (stdout) or its traceback (stderr), and returns the exit code.
 * With `--record FILE` it runs through `record` and writes the journal there; with
 * `--timeline FILE` it traces the run and writes its timeline page.
 */
export async function runModule(command: RunCommand): Promise<number> {
  const body = await loadOrReport(command)
  if (typeof body === "number") return body
  const { root, handlers } = setUpRun(body, command)
  // captureStacks rides along for a vm-core that reads it as a run option; the
  // EFFVM_CAPTURE_STACKS variable (set before vm-core loaded) covers the rest.
  const stop = stopOnSignals()
  const events: TraceEvent[] | null = command.timeline === undefined ? null : []
  const options: RunOptions = {
    handlers,
    signal: stop.signal,
    ...(command.captureStacks === "full" ? { captureStacks: "full" } : {}),
    ...tracing(events),
  }
  let outcome: TimelineOutcome
  let code: number
  try {
    if (command.record !== undefined) {
      const { recordRun } = await import("./record-run.js")
      ;({ outcome, code } = await recordRun(root, options, command, command.record, stop.received))
    } else {
      try {
        const value = await runAsync(root, options)
        outcome = { status: "done", value }
        code = reportValue(value)
      } catch (error) {
        ;({ outcome, code } = reportFailure(error, stop.received()))
      }
    }
  } finally {
    stop.detach()
  }
  return writeTimelineOf(events, outcome, command.timeline, code)
}

/** Run options that collect a full trace into `events` (none when it is null). */
export function tracing(events: TraceEvent[] | null): Partial<RunOptions> {
  return events === null
    ? {}
    : { trace: "full", onEvent: (event: TraceEvent) => events.push(event) }
}

/** Writes the timeline page when one was asked for; returns the exit code. */
export async function writeTimelineOf(
  events: readonly TraceEvent[] | null,
  outcome: TimelineOutcome,
  file: string | undefined,
  code: number,
): Promise<number> {
  if (events === null || file === undefined) return code
  const { writeTimeline } = await import("./timeline.js")
  return writeTimeline(events, outcome, file) ? code : EXIT_BAD_INPUT
}

/** Loads the command's program, or prints why it cannot and returns the exit code. */
export async function loadOrReport(setup: RunSetup): Promise<Program<unknown> | number> {
  try {
    return await loadProgram(setup.module, setup.exportName)
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
}

/** The program as `effvm run` runs it (under the scheduler) and its outside handlers. */
export function setUpRun(
  body: Program<unknown>,
  setup: RunSetup,
): { readonly root: Program<unknown>; readonly handlers: RunOptions["handlers"] } {
  const handlers = defaultHandlers({
    env: { ...setup.env },
    log: {
      keep: false,
      sink: (entry) => process.stderr.write(`[${entry.level}] ${entry.message}\n`),
    },
  })
  const clock = setup.virtualClock ? new VirtualClock() : realClock
  const scheduler = setup.quanta === undefined ? { clock } : { clock, quanta: setup.quanta }
  return { root: scheduled(body, scheduler), handlers }
}

/** Prints the value of a finished run; returns the exit code. */
export function reportValue(result: unknown): number {
  if (result !== undefined) process.stdout.write(`${render(result)}\n`)
  return EXIT_OK
}

/** Prints why a run failed (or that a signal stopped it); returns how it ended and the exit code. */
export function reportFailure(
  error: unknown,
  signal: string | null,
): { readonly outcome: TimelineOutcome; readonly code: number } {
  if (signal !== null && error instanceof StopError) {
    process.stderr.write(`effvm: stopped by ${signal}\n`)
    return { outcome: { status: "stopped", error }, code: EXIT_INTERRUPTED }
  }
  process.stderr.write(`${describeFailure(error)}\n`)
  return { outcome: { status: "failed", error }, code: EXIT_FAILED }
}

function render(value: unknown): string {
  return typeof value === "string" ? value : inspect(value, { depth: 8, colors: false })
}

/** The traceback of an error that went through the machine, else its JS stack. */
export function describeFailure(error: unknown): string {
  if (getTraceback(error) !== undefined) return formatTraceback(error)
  if (error instanceof Error && typeof error.stack === "string") return error.stack
  return String(error)
}
