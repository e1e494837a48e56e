import { Program, type RunOptions, type RunOutcome } from "@effvm/vm-core"
import { checkJournal, JOURNAL_VERSION, type Journal, type JournalEntry } from "./journal/format.js"
import { runJournaled } from "./journal/session.js"

/**
 * What {@link record} resolves to: how the run ended, and its journal.
 *
 * @example
 * ```ts
 * const { outcome, journal }: Recorded<number> = await record(main(), { handlers: [http] })
 * ```
 */
export interface Recorded<T> {
  readonly outcome: RunOutcome<T>
  readonly journal: Journal
}

/**
 * Runs `program` like `runOutcomeAsync` (same options; the `handlers` option's handlers are
 * the outside world) and records its journal: the outside handlers' answers, the values of
 * the JS promises it waited on, the scheduler's decisions and the real clock's readings.
 * Never rejects: a failed run is a failed outcome, and its journal is recorded too. A value
 * the journal cannot hold fails the run with a `TypeError` naming the effect and the field.
 *
 * @example
 * ```ts
 * const { outcome, journal } = await record(scheduled(main()), { handlers: [http] })
 * writeFileSync("run.journal.json", JSON.stringify(journal))
 * ```
 */
export async function record<T>(program: Program<T>, options?: RunOptions): Promise<Recorded<T>> {
  const run = await runJournaled(program, { ...options, mode: "continue", caller: "record" })
  const journal = {
    version: JOURNAL_VERSION,
    program: programName(program),
    handlers: run.outside,
    entries: [] as readonly JournalEntry[],
  }
  // The entry objects are made when the journal is first read (written out, replayed):
  // the run recorded them compactly. From then on `entries` is a plain data property.
  Object.defineProperty(journal, "entries", {
    get: () => settleEntries(journal, run.entries),
    set: (entries: readonly JournalEntry[]) => settleEntries(journal, entries),
    enumerable: true,
    configurable: true,
  })
  return { outcome: run.outcome, journal }
}

/**
 * Replays `journal` against `program`: resolves to the recorded outcome (the same value, or
 * an error with the same class name, message and traceback) without calling the outside
 * handlers and without real time passing. `options` are `run`'s; `handlers`, if given, must
 * be the recorded run's outside handlers (only their names and declared effects are used).
 * Rejects with `JournalDivergenceError` at the first entry the program no longer matches,
 * and with a clear error for a journal of another program, an edited or damaged journal,
 * or one from a newer format version.
 *
 * @example
 * ```ts
 * const journal = JSON.parse(readFileSync("run.journal.json", "utf8"))
 * const outcome = await replay(scheduled(main()), journal)
 * if (outcome.status === "failed") console.error(formatTraceback(outcome.error))
 * ```
 */
export async function replay<T>(
  program: Program<T>,
  journal: Journal,
  options?: RunOptions,
): Promise<RunOutcome<T>> {
  const checked = checkJournal(journal)
  const name = programName(program)
  if (program instanceof Program && name !== checked.program) {
    throw new Error(
      `This journal was recorded for program ${JSON.stringify(checked.program)}, not ${JSON.stringify(name)}: replay it with the program it was recorded from.`,
    )
  }
  const given = options?.handlers
  if (given !== undefined && given.length !== checked.handlers.length) {
    throw new TypeError(
      `replay(): the journal was recorded with ${checked.handlers.length} outside handler(s) (${checked.handlers.map((h) => h.name).join(", ") || "none"}), but ${given.length} were given.`,
    )
  }
  const run = await runJournaled(program, {
    ...options,
    entries: checked.entries,
    mode: "replay",
    outside: checked.handlers,
    caller: "replay",
  })
  if (run.divergence !== null) throw run.divergence
  return run.outcome
}

/** Makes `entries` the journal's own data property (unless the journal was frozen meanwhile). */
function settleEntries(
  journal: { entries: readonly JournalEntry[] },
  entries: readonly JournalEntry[],
): readonly JournalEntry[] {
  if (Object.getOwnPropertyDescriptor(journal, "entries")?.configurable === true) {
    Object.defineProperty(journal, "entries", {
      value: entries,
      writable: true,
      enumerable: true,
      configurable: true,
    })
  }
  return entries
}

/**
 * How a journal names its program: the root's name, looking through `withHandler` to its
 * body and into a wrapper's program argument, so `scheduled(main())` is `scheduled(main)`
 * (not just `scheduled`, which every scheduled program is). `durable` names its runs the same way.
 * @internal
 */
export function programName(program: unknown, depth = 0): string {
  if (!(program instanceof Program)) return "(not a program)"
  const p = program as Program<unknown> & {
    readonly inner?: Program<unknown>
    readonly args?: readonly unknown[]
  }
  if (p.inner instanceof Program && depth < 8) return programName(p.inner, depth + 1)
  const wrapped = depth < 8 ? p.args?.find((a) => a instanceof Program) : undefined
  return wrapped === undefined ? p.name : `${p.name}(${programName(wrapped, depth + 1)})`
}
