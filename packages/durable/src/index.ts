/**
 * @effvm/durable: a run's journal (everything that came into it from outside, in order):
 * record a run, replay it anywhere.
 * @packageDocumentation
 */

export { JournalDivergenceError } from "@effvm/vm-core"
export type {
  AnswerHow,
  EffectShape,
  Journal,
  JournalEntry,
  OutsideHandler,
} from "./journal/format.js"
export { type Recorded, record, replay } from "./record.js"
