import { writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { record } from "@effvm/durable"
import { checksumOf } from "@effvm/durable/journal"
import type { TimelineOutcome } from "@effvm/timeline"
import type { Program, RunOptions } from "@effvm/vm-core"
import { EXIT_BAD_INPUT } from "./exit-codes.js"
import { type RunSetup, reportFailure, reportValue } from "./run-module.js"

/**
 * `effvm run MODULE --record FILE`: runs through `record` and writes the journal to `file`,
 * also when the run fails or is stopped. The journal's `meta` names the module (absolute
 * path), the export and the options, so `effvm replay FILE` can run the same program.
 */
export async function recordRun(
  root: Program<unknown>,
  options: RunOptions,
  setup: RunSetup,
  file: string,
  signal: () => string | null,
): Promise<{ readonly outcome: TimelineOutcome; readonly code: number }> {
  const { outcome, journal } = await record(root, options)
  const meta = {
    module: resolve(setup.module),
    export: setup.exportName,
    env: { ...setup.env },
    virtualClock: setup.virtualClock,
    quanta:
      setup.quanta === undefined
        ? null
        : setup.quanta === Number.POSITIVE_INFINITY
          ? "Infinity"
          : setup.quanta,
    captureStacks: setup.captureStacks ?? null,
  }
  try {
    // The checksum seals the file: an edited or damaged journal is refused by replay.
    const sealed = { ...journal, checksum: checksumOf(journal.entries), meta }
    writeFileSync(file, `${JSON.stringify(sealed)}\n`)
  } catch (error) {
    process.stderr.write(
      `effvm: cannot write the journal to ${JSON.stringify(file)}: ${(error as Error).message}\n`,
    )
    return { outcome, code: EXIT_BAD_INPUT }
  }
  if (outcome.status === "done") return { outcome, code: reportValue(outcome.value) }
  return reportFailure(outcome.error, signal())
}
