/**
 * @effvm/durable: a run's journal (everything that came into it from outside, in order):
 * record a run, replay it anywhere.
 * @packageDocumentation
 */

export { JournalDivergenceError } from "@effvm/vm-core"
export { type DurableOptions, durable, effectKey } from "./durable.js"
export type {
  AnswerHow,
  EffectShape,
  Journal,
  JournalEntry,
  OutsideHandler,
} from "./journal/format.js"
export { type Recorded, record, replay } from "./record.js"
export {
  type PostgresStore,
  type PostgresStoreOptions,
  postgresStore,
} from "./store/postgres.js"
export { type SqliteStore, type SqliteStoreOptions, sqliteStore } from "./store/sqlite.js"
export {
  type RunClaim,
  RunClaimedError,
  STORE_SCHEMA_VERSION,
  type Store,
  type StoredJson,
  type StoredRun,
  StoreSchemaError,
} from "./store/store.js"
