// The shared preamble of the doc snippets (scripts/doc-snippets.mjs; docs/testing.md says
// how it is used). It declares, once, the names that examples use without defining them:
// the user's own programs (`main`, `worker`, `fetchPage` …), effects (`Ping`, `Tick`) and
// values (`env`, `error`). A snippet's own declaration of a name shadows the one here.
// Keep the list short and the types plain: a name belongs here only when several examples
// use it the same way.

type DocProgram<T> = import("effvm").Program<T>
/** A program that can also be called to make one: `run(main)` and `run(main())` both read. */
type DocEntry<T> = DocProgram<T> & ((...args: unknown[]) => DocProgram<T>)
declare const DocEffect: typeof import("effvm").Effect

// the user's programs
declare const main: DocEntry<number>
declare const body: DocEntry<number>
declare const plant: DocEntry<void>
declare const bank: DocEntry<number>
declare const worker: DocEntry<number>
declare const work: DocEntry<number>
declare const slowWork: DocEntry<number>
declare const readSensor: DocEntry<void>
declare const control: DocEntry<void>
declare const controlLoop: DocEntry<void>
declare const heartbeat: DocEntry<void>
declare const pollForever: DocEntry<void>
declare const count: DocEntry<number>
declare function fetchPage(url: string): DocProgram<string>
declare function fetchFrom(url: string): DocProgram<string>
declare function fetchUser(id: number): DocProgram<{ id: number; name: string }>
declare function fetchPosts(userId: number): DocProgram<string[]>
declare function loadUser(id: number): DocProgram<{ id: number; name: string }>
declare function compute(n: number): DocProgram<number>
declare function write(key: string): DocProgram<string>
declare function download(url: string): DocProgram<void>
declare function greet(name: string): DocProgram<string>

// outside work: JS promises
declare function fetchJson(url: string): Promise<{ id: number; name: string }>

// effects
declare class Ping extends DocEffect<string> {
  readonly payload: string
  constructor(payload: string)
}
declare class Tick extends DocEffect<number> {}

// values
declare const env: Record<string, unknown>
declare const error: unknown
declare const url: string
declare const saved: number[]
declare const pool: import("effvm").Semaphore
declare const done: import("effvm").SchedulerPromise<number>
declare const sensor: import("effvm").Task<void>
declare function deadline(scope: import("effvm").CancelScope, ms: number): DocProgram<void>

// recorded runs
declare const oldLog: readonly number[]
declare const changedProgram: DocProgram<number>
declare const journal: import("effvm/durable").Journal
declare function isEven(n: number): DocProgram<boolean>
declare const events: import("effvm").TraceEvent[]

// channels and jobs
type Job = string
declare const ch: import("effvm").Channel<number>
declare const jobs: import("effvm").Channel<Job>
declare const job: Job
declare const producer: DocEntry<void>
declare function handle(job: Job): DocProgram<void>
declare let total: number

// resources and errors the examples name
declare class Db {
  constructor(url?: string)
  query(sql: string): Promise<unknown>
}
declare function connect(url?: string): DocProgram<Db>
declare function openConnection(url?: string): Promise<Db>
declare const conn: Db
declare class Database {
  query(sql: string): Promise<unknown>
}
declare class NotFoundError extends Error {}
declare class NetworkError extends Error {}
declare const cachedPage: DocEntry<string>
declare class Where extends DocEffect<string> {}
declare const k: import("effvm").Continuation<unknown>
/** An outside handler (the network, say) that durable examples record. */
declare const http: import("effvm").HandlerDef
declare class Half extends DocEffect<number> {
  declare protected readonly effectIdentity: unknown
}
declare class Greeting extends DocEffect<string> {
  declare protected readonly effectIdentity: unknown
}
declare class Audit extends DocEffect<void> {
  declare protected readonly effectIdentity: unknown
  constructor(what: string)
}
type Row = Record<string, unknown>

// durable runs (docs/durable.md and @effvm/durable's examples)
declare function readFileSync(path: string, encoding: "utf8"): string
declare function writeFileSync(path: string, data: string): void
declare const order: { readonly id: string; readonly cents: number }
declare function checkout(order: {
  readonly id: string
  readonly cents: number
}): DocProgram<string>
declare function chargeCard(cents: number, options: { idempotencyKey: string }): Promise<string>
declare const store: import("effvm/durable").Store
declare const id: string
declare const runId: string
declare const db: import("effvm").HandlerDef
declare const warehouse: import("effvm").HandlerDef
declare const payments: import("effvm").HandlerDef
declare const mailer: import("effvm").HandlerDef
declare const options: import("effvm/durable").DurableOptions
declare const stored: import("effvm/durable").JournalEntry[]
declare const storedEntries: import("effvm/durable").JournalEntry[]
declare const rows: { readonly entry: string }[]
declare const sink: (entry: import("effvm/durable").JournalEntry, position: number) => void
declare class Charge extends DocEffect<string> {
  declare protected readonly effectIdentity: unknown
  readonly cents: number
  readonly amount: number
  constructor(cents: number)
}
declare class Fetch extends DocEffect<string> {
  declare protected readonly effectIdentity: unknown
  readonly url: string
  constructor(url: string)
}
declare function writeEntry(
  runId: string,
  position: number,
  entry: import("effvm/durable").JournalEntry,
): Promise<void>
