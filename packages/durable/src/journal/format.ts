import { createHash } from "node:crypto"
import type { Encoded } from "./serialize.js"

/**
 * The journal format this effvm writes and reads.
 *
 * @example
 * ```ts
 * if (journal.version > JOURNAL_VERSION) console.error("recorded by a newer effvm")
 * ```
 */
export const JOURNAL_VERSION = 1

/**
 * An outside handler as a journal names it: its name and the effect classes it declares.
 *
 * @example
 * ```ts
 * const http: OutsideHandler = { name: "http", handles: ["Fetch"] }
 * ```
 */
export interface OutsideHandler {
  readonly name: string
  /** The class names of its `handles` declaration; null for a catch-all handler. */
  readonly handles: readonly string[] | null
}

/**
 * An effect as an entry names it: its class and its own fields (see `effectShape`).
 *
 * @example
 * ```ts
 * const shape: EffectShape = { class: "Fetch", fields: { url: "/a" } }
 * ```
 */
export interface EffectShape {
  readonly class: string
  readonly fields: Encoded
}

/**
 * How an outside handler answered: `pass` (it passed the effect on), `value` (resumed or transferred with `value`), `throw`
 * (the handler threw `value`), `resumeThrow` / `transferThrow` (it threw `value` into the
 * program with that control), `resume` (a non-tail resume: its `return` entry follows when
 * the body has ended), `abort` (it returned `value` without resuming).
 *
 * @example
 * ```ts
 * const failures = journal.entries.filter((e) => e.type === "answer" && e.how === "throw")
 * ```
 */
export type AnswerHow =
  | "pass"
  | "value"
  | "throw"
  | "resumeThrow"
  | "transferThrow"
  | "resume"
  | "abort"

/**
 * One entry of a journal, in the order the run met them:
 * - `answer`: outside handler number `handler` (its index in the `handlers` option) answered
 *   the program's `effect`;
 * - `return`: that handler's value (`ok`) or error after a non-tail resume, once the body ended;
 * - `external`: the machine waited on a JS promise (no scheduler took it): how it settled;
 * - `settled`: a task's JS promise (`awaitPromise`) settled, taken in by the scheduler;
 * - `clock`: a reading of a real clock (wall time in ms for `realClock`);
 * - `choice`: a scheduling decision ran task `task`;
 * - `watchdog`: task `task`'s watchdog fired at its `check`-th check: its activation had
 *   taken `measured` (in `unit`, `"ms"` or `"steps"`) against its `budget`.
 *
 * @example
 * ```ts
 * const entry: JournalEntry = { type: "clock", now: Date.now() }
 * ```
 */
export type JournalEntry =
  | {
      readonly type: "answer"
      readonly handler: number
      readonly effect: EffectShape
      readonly how: AnswerHow
      readonly value: Encoded
    }
  | {
      readonly type: "return"
      readonly handler: number
      readonly ok: boolean
      /** The handler's outcome is the body's own (no post-processing): `value` is unused. */
      readonly same: boolean
      readonly value: Encoded
    }
  | { readonly type: "external"; readonly ok: boolean; readonly value: Encoded }
  | {
      readonly type: "settled"
      readonly task: number
      readonly ok: boolean
      readonly value: Encoded
    }
  | { readonly type: "clock"; readonly now: number }
  | { readonly type: "choice"; readonly task: number }
  | {
      readonly type: "watchdog"
      readonly task: number
      readonly check: number
      readonly unit: "ms" | "steps"
      readonly budget: number
      readonly measured: number
    }

/**
 * A recorded run: plain JSON data. `program` is the root program's name; `handlers` the
 * names of the outside handlers, outermost first; `checksum` (sha-256 of the entries, when the
 * writer sealed the journal: `effvm run --record` does) lets `replay` refuse an edited file; `meta` is free for the caller (the `effvm` command keeps
 * the module, export and options there).
 *
 * @example
 * ```ts
 * const journal: Journal = JSON.parse(readFileSync("run.journal.json", "utf8"))
 * console.log(journal.program, journal.entries.length)
 * ```
 */
export interface Journal {
  readonly version: number
  readonly program: string
  readonly handlers: readonly OutsideHandler[]
  readonly entries: readonly JournalEntry[]
  readonly checksum?: string
  readonly meta?: { readonly [key: string]: Encoded }
}

/**
 * The sha-256 of `entries` as JSON, hex.
 *
 * @example
 * ```ts
 * journal.checksum === checksumOf(journal.entries) // the file was not edited
 * ```
 */
export function checksumOf(entries: readonly JournalEntry[]): string {
  return createHash("sha256").update(JSON.stringify(entries)).digest("hex")
}

/**
 * A short rendering of an entry for divergence messages, e.g. `Fetch("a") answered by http`.
 *
 * @example
 * ```ts
 * describeEntry({ type: "choice", task: 3 }, []) // "a scheduling decision for task 3"
 * ```
 */
export function describeEntry(
  entry: JournalEntry | undefined,
  handlers: readonly OutsideHandler[],
): string {
  if (entry === undefined) return "the end of the journal"
  switch (entry.type) {
    case "answer":
      return `${describeShape(entry.effect)} ${entry.how === "pass" ? "passed on" : "answered"} by ${nameOf(handlers, entry.handler)}`
    case "return":
      return `the return of ${nameOf(handlers, entry.handler)} after the body ended`
    case "external":
      return "a JS promise awaited without a scheduler"
    case "settled":
      return `the settlement of a JS promise awaited by task ${entry.task}`
    case "clock":
      return "a reading of the real clock"
    case "choice":
      return `a scheduling decision for task ${entry.task}`
    case "watchdog":
      return `the watchdog of task ${entry.task} firing (${entry.measured} ${entry.unit} over a budget of ${entry.budget})`
  }
}

/**
 * An effect shape as code would read it: `Fetch("a", 3)`.
 *
 * @example
 * ```ts
 * describeShape({ class: "Ask", fields: { key: "db" } }) // 'Ask("db")'
 * ```
 */
export function describeShape(shape: EffectShape): string {
  const fields = shape.fields
  const args =
    fields !== null && typeof fields === "object" && !Array.isArray(fields)
      ? Object.values(fields).map(describeEncoded)
      : []
  return `${shape.class}(${args.join(", ")})`
}

function nameOf(handlers: readonly OutsideHandler[], i: number): string {
  const h = handlers[i]
  return h === undefined ? `outside handler ${i}` : `outside handler ${h.name}`
}

function describeEncoded(v: Encoded): string {
  const text = JSON.stringify(v)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

const HOWS = new Set(["pass", "value", "throw", "resumeThrow", "transferThrow", "resume", "abort"])

/**
 * Checks that `journal` is a journal this effvm can replay and returns it typed; throws a
 * clear error for anything else (not an object, a newer format version, a damaged entry, an
 * edited file).
 *
 * @example
 * ```ts
 * const journal = checkJournal(JSON.parse(readFileSync("run.journal.json", "utf8")))
 * ```
 */
export function checkJournal(journal: unknown, where = "the journal"): Journal {
  if (journal === null || typeof journal !== "object" || Array.isArray(journal)) {
    throw new TypeError(
      `${where} is not a journal: expected an object with version and entries, got ${journal === null ? "null" : Array.isArray(journal) ? "an array" : typeof journal}.`,
    )
  }
  const j = journal as Record<string, unknown>
  if (typeof j.version !== "number" || !Number.isInteger(j.version) || j.version < 1) {
    throw new TypeError(
      `${where} is not a journal: its version is ${JSON.stringify(j.version)}, not a format version number.`,
    )
  }
  if (j.version > JOURNAL_VERSION) {
    throw new Error(
      `${where} has format version ${j.version}, newer than this effvm reads (version ${JOURNAL_VERSION}): replay it with the effvm that recorded it, or upgrade @effvm/durable.`,
    )
  }
  if (typeof j.program !== "string")
    throw new TypeError(`${where} is damaged: "program" must be the name of the recorded program.`)
  if (
    !Array.isArray(j.handlers) ||
    !j.handlers.every(
      (h) =>
        h !== null &&
        typeof h === "object" &&
        typeof h.name === "string" &&
        (h.handles === null ||
          (Array.isArray(h.handles) && h.handles.every((c: unknown) => typeof c === "string"))),
    )
  ) {
    throw new TypeError(
      `${where} is damaged: "handlers" must be the list of outside handler names.`,
    )
  }
  if (!Array.isArray(j.entries))
    throw new TypeError(`${where} is damaged: "entries" must be an array.`)
  for (let i = 0; i < j.entries.length; i++) checkEntry(j.entries[i], i, where)
  if (j.checksum !== undefined && j.checksum !== checksumOf(j.entries as JournalEntry[])) {
    throw new Error(
      `${where} was edited or damaged: its entries no longer match its checksum (${String(j.checksum).slice(0, 12)}…). A journal must be replayed as it was recorded.`,
    )
  }
  return journal as Journal
}

/**
 * Throws a clear error (naming entry `i`) when `entry` is not a well-formed journal entry.
 *
 * @example
 * ```ts
 * rows.forEach((row, i) => checkEntry(JSON.parse(row.entry), i, `run ${id}`))
 * ```
 */
export function checkEntry(
  entry: unknown,
  i: number,
  where = "the journal",
): asserts entry is JournalEntry {
  const why = entryProblem(entry)
  if (why !== null) {
    throw new TypeError(
      `${where} is damaged at entry ${i}: ${why} (got ${JSON.stringify(entry)?.slice(0, 120)}).`,
    )
  }
}

/**
 * What is wrong with `entry`, or null. (No closures and no strings unless something is
 * wrong: a replay checks every entry of its journal first.)
 */
function entryProblem(entry: unknown): string | null {
  if (entry === null || typeof entry !== "object") return "an entry must be an object"
  const e = entry as Record<string, unknown>
  switch (e.type) {
    case "answer": {
      const shape = e.effect as Record<string, unknown> | null
      return (
        notInteger(e, "handler") ??
        (shape === null || typeof shape !== "object" || typeof shape.class !== "string"
          ? '"effect" must name an effect class'
          : typeof e.how !== "string" || !HOWS.has(e.how)
            ? '"how" is not a way to answer'
            : missing(e, "value"))
      )
    }
    case "return":
      return (
        notInteger(e, "handler") ??
        notBoolean(e, "ok") ??
        notBoolean(e, "same") ??
        missing(e, "value")
      )
    case "external":
      return notBoolean(e, "ok") ?? missing(e, "value")
    case "settled":
      return notInteger(e, "task") ?? notBoolean(e, "ok") ?? missing(e, "value")
    case "clock":
      return notFinite(e, "now")
    case "choice":
      return notInteger(e, "task")
    case "watchdog":
      return (
        notInteger(e, "task") ??
        notInteger(e, "check") ??
        (e.unit !== "ms" && e.unit !== "steps" ? '"unit" must be "ms" or "steps"' : null) ??
        notFinite(e, "budget") ??
        notFinite(e, "measured")
      )
    default:
      return "unknown entry type"
  }
}

function notInteger(e: Record<string, unknown>, key: string): string | null {
  const v = e[key]
  return typeof v === "number" && Number.isInteger(v) ? null : `"${key}" must be an integer`
}

function notBoolean(e: Record<string, unknown>, key: string): string | null {
  return typeof e[key] === "boolean" ? null : `"${key}" must be true or false`
}

function notFinite(e: Record<string, unknown>, key: string): string | null {
  const v = e[key]
  return typeof v === "number" && Number.isFinite(v) ? null : `"${key}" must be a finite number`
}

function missing(e: Record<string, unknown>, key: string): string | null {
  return key in e ? null : `"${key}" is missing`
}
