/**
 * The journal core of `@effvm/durable`, for code that stores journals entry by entry
 * (`durable`, stores): run a program against stored entries and go on live, and the entry
 * format. Not re-exported by `effvm`.
 * @packageDocumentation
 */

export {
  type AnswerHow,
  checkEntry,
  checkJournal,
  checksumOf,
  describeEntry,
  describeShape,
  type EffectShape,
  JOURNAL_VERSION,
  type Journal,
  type JournalEntry,
  type OutsideHandler,
} from "./format.js"
export { decode, type Encoded, effectShape, encode } from "./serialize.js"
export {
  type JournaledRun,
  type JournaledRunOptions,
  type JournalSink,
  runJournaled,
} from "./session.js"
