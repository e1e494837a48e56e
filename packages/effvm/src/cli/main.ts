#!/usr/bin/env node
/**
 * The `effvm` command. Only the argument parser is loaded up front: `--capture-stacks full`
 * sets EFFVM_CAPTURE_STACKS before vm-core is first imported, so it applies however
 * vm-core reads it.
 */
import { type Command, parseArguments, UsageError } from "./arguments.js"
import { EXIT_BAD_INPUT } from "./exit-codes.js"
import { helpText } from "./help.js"
import { packageVersion } from "./version.js"

async function main(argv: readonly string[]): Promise<number> {
  let command: Command
  try {
    command = parseArguments(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`effvm: ${error.message}\n`)
    return EXIT_BAD_INPUT
  }
  if (command.kind === "help") {
    process.stdout.write(helpText)
    return 0
  }
  if (command.kind === "version") {
    process.stdout.write(`${packageVersion()}\n`)
    return 0
  }
  if (command.captureStacks === "full") process.env.EFFVM_CAPTURE_STACKS = "full"
  if (command.kind === "replay") {
    const { replayJournal } = await import("./replay-journal.js")
    return replayJournal(command)
  }
  const { runModule } = await import("./run-module.js")
  return runModule(command)
}

process.exitCode = await main(process.argv.slice(2))
