import { readFileSync } from "node:fs"
import { type Journal, JournalDivergenceError, replay } from "@effvm/durable"
import { checkJournal } from "@effvm/durable/journal"
import type { TraceEvent } from "@effvm/vm-core"
import type { ReplayCommand } from "./arguments.js"
import { EXIT_BAD_INPUT, EXIT_FAILED } from "./exit-codes.js"
import {
  loadOrReport,
  type RunSetup,
  reportFailure,
  reportValue,
  setUpRun,
  tracing,
  writeTimelineOf,
} from "./run-module.js"

/**
 * `effvm replay FILE`: reads a journal `effvm run --record` wrote, loads the module it
 * names, and replays it: prints the same value or traceback as the recorded run, with the
 * same exit code, without calling the outside handlers or waiting for timers.
 */
export async function replayJournal(command: ReplayCommand): Promise<number> {
  const journal = readJournal(command.file)
  if (typeof journal === "string") {
    process.stderr.write(`effvm: ${journal}\n`)
    return EXIT_BAD_INPUT
  }
  const setup = setupOf(journal, command)
  if (typeof setup === "string") {
    process.stderr.write(`effvm: ${setup}\n`)
    return EXIT_BAD_INPUT
  }
  const body = await loadOrReport(setup)
  if (typeof body === "number") return body
  const { root, handlers } = setUpRun(body, setup)
  const events: TraceEvent[] | null = command.timeline === undefined ? null : []
  let outcome: Awaited<ReturnType<typeof replay>>
  try {
    outcome = await replay(root, journal, {
      handlers,
      ...(setup.captureStacks === "full" ? { captureStacks: "full" } : {}),
      ...tracing(events),
    })
  } catch (error) {
    if (error instanceof JournalDivergenceError) {
      process.stderr.write(
        `effvm: ${command.file} no longer matches ${setup.module}: ${error.message}\n`,
      )
      return EXIT_FAILED
    }
    process.stderr.write(`effvm: ${(error as Error).message}\n`)
    return EXIT_BAD_INPUT
  }
  const code =
    outcome.status === "done" ? reportValue(outcome.value) : reportFailure(outcome.error, null).code
  return writeTimelineOf(events, outcome, command.timeline, code)
}

/** The journal in `file`, or why it cannot be read as one. */
function readJournal(file: string): Journal | string {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (error) {
    return `cannot read the journal file ${JSON.stringify(file)}: ${(error as Error).message}`
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    return `${file} is not a journal: it is not complete JSON (${(error as Error).message}); was the file cut short?`
  }
  try {
    return checkJournal(data, file)
  } catch (error) {
    return (error as Error).message
  }
}

/** The run options the journal's `meta` kept, or why it has none. */
function setupOf(journal: Journal, command: ReplayCommand): RunSetup | string {
  const meta = journal.meta as Record<string, unknown> | undefined
  if (meta === undefined || typeof meta.module !== "string" || typeof meta.export !== "string") {
    return `${command.file} names no module: replay reads journals written by \`effvm run MODULE --record FILE\` (from code, use replay() of @effvm/durable)`
  }
  const env =
    meta.env !== null && typeof meta.env === "object" ? (meta.env as Record<string, string>) : {}
  const quanta =
    meta.quanta === "Infinity"
      ? Number.POSITIVE_INFINITY
      : typeof meta.quanta === "number"
        ? meta.quanta
        : undefined
  return {
    module: meta.module,
    exportName: meta.export,
    env,
    virtualClock: meta.virtualClock === true,
    quanta,
    captureStacks: command.captureStacks ?? (meta.captureStacks === "full" ? "full" : undefined),
  }
}
