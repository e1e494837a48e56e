import { randomUUID } from "node:crypto"
import type PgBoss from "pg-boss"
import { stoppedError } from "../durable.js"
import { decode, type Encoded } from "../journal/serialize.js"
import { type PostgresStore, postgresStore } from "../store/postgres.js"
import type { StoredJson } from "../store/store.js"
import { jobIdOf, RUN_QUEUE, type RunJob, startBoss } from "./boss.js"
import { parseRef } from "./ref.js"

/**
 * How a distributed run ended, as {@link WorkQueue.result} reports it: the object
 * `runOutcome` returns, read back from the store. A failed run's `error` is restored (its
 * `name` and `message`), `traceback` is its traceback as the worker rendered it, and
 * `worker` names the worker that finished it (`host:pid`, or the name it was started with).
 *
 * @example
 * const outcome: DistributedOutcome = await q.result(id)
 * if (outcome.status === "failed") console.error(`on ${outcome.worker}:\n${outcome.traceback}`)
 */
export type DistributedOutcome =
  | { readonly status: "done"; readonly value: unknown; readonly worker?: string }
  | {
      readonly status: "failed"
      readonly error: unknown
      readonly taskId?: number
      readonly taskName?: string
      readonly traceback?: string
      readonly worker?: string
    }

/**
 * The queue of durable runs, from {@link workQueue}.
 *
 * @example
 * const q: WorkQueue = await workQueue({ connectionString })
 * const id = await q.submit("/srv/app/flows.js#checkout", ["order-17"])
 * console.log(await q.result(id))
 * await q.close()
 */
export interface WorkQueue {
  /**
   * Submits a run: `ref` is `"MODULE#EXPORT"` (an absolute path, a package name, or a
   * path relative to the worker's working directory), `args` the JSON arguments the export
   * is called with. Resolves to the run id (the one `effectKey` uses). Submitting an id
   * that was submitted before runs nothing new.
   */
  submit(
    ref: string,
    args?: readonly unknown[],
    options?: { readonly id?: string },
  ): Promise<string>
  /** Waits for the run `id` to end and resolves to its outcome. */
  result(id: string, options?: { readonly pollMs?: number }): Promise<DistributedOutcome>
  /** Lets go of the queue's connections. */
  close(): Promise<void>
}

/**
 * Options of {@link workQueue}.
 *
 * @example
 * const options: WorkQueueOptions = { connectionString: "postgres://app@db/app" }
 */
export interface WorkQueueOptions {
  /** The PostgreSQL database of the runs: the same one the workers and `postgresStore` use. */
  readonly connectionString: string
}

/**
 * Opens the queue of durable runs on a PostgreSQL database (through pg-boss): submit runs
 * that any worker (`startWorker`, `effvm worker`) on any machine picks up and runs
 * durably, and wait for their outcomes.
 *
 * @example
 * import { workQueue } from "@effvm/durable"
 * const q = await workQueue({ connectionString: process.env.DATABASE_URL! })
 * const id = await q.submit("/srv/app/flows.js#checkout", ["order-17"], { id: "checkout-order-17" })
 * const outcome = await q.result(id) // { status: "done", value } or { status: "failed", error, … }
 * await q.close()
 */
export async function workQueue(options: WorkQueueOptions): Promise<WorkQueue> {
  const connectionString = checkConnection(options, "workQueue")
  const boss = await startBoss(connectionString, { supervise: false })
  let store: PostgresStore | undefined
  let closed = false

  const submit = async (
    ref: string,
    args: readonly unknown[] = [],
    submitOptions: { readonly id?: string } = {},
  ): Promise<string> => {
    parseRef(ref, "submit(ref)")
    if (!Array.isArray(args)) {
      throw new TypeError(
        `submit(${JSON.stringify(ref)}, args): args must be an array, got ${String(args)}`,
      )
    }
    let text: string
    try {
      text = JSON.stringify(args)
    } catch (error) {
      throw new TypeError(
        `submit(${JSON.stringify(ref)}, args): args must be JSON data (${(error as Error).message})`,
      )
    }
    const id = submitOptions.id ?? `run-${randomUUID()}`
    if (typeof id !== "string" || id === "") {
      throw new TypeError(
        `submit(${JSON.stringify(ref)}, args, { id }): id must be a non-empty string, got ${String(id)}`,
      )
    }
    const job: RunJob = { ref, args: JSON.parse(text) as unknown[], id }
    // The job id is derived from the run id: a second submit of one id inserts nothing.
    await boss.send(RUN_QUEUE, job as unknown as object, { id: jobIdOf(id) })
    return id
  }

  const result = async (
    id: string,
    resultOptions: { readonly pollMs?: number } = {},
  ): Promise<DistributedOutcome> => {
    if (typeof id !== "string" || id === "") {
      throw new TypeError(`result(id): id must be a run id (a non-empty string), got ${String(id)}`)
    }
    store ??= postgresStore({ connectionString, max: 2 })
    const pollMs = resultOptions.pollMs ?? 100
    for (let round = 0; ; round++) {
      if (closed) throw new Error(`result(${JSON.stringify(id)}): the queue was closed`)
      const run = await store.load(id)
      if (run?.outcome !== undefined) return outcomeOf(id, run.outcome)
      // The queue gave up on the run (its retries are spent) without an outcome stored.
      if (round % 10 === 0) {
        const given = await givenUp(boss, id)
        if (given !== undefined) return given
      }
      await new Promise((r) => setTimeout(r, pollMs))
    }
  }

  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await boss.stop({ graceful: false, wait: true })
    await store?.close()
  }

  return { submit, result, close }
}

/** The outcome the queue recorded for a run it gave up on, if it did. */
async function givenUp(boss: PgBoss, id: string): Promise<DistributedOutcome | undefined> {
  const job = await boss.getJobById<RunJob>(RUN_QUEUE, jobIdOf(id), { includeArchive: true })
  if (job === null) {
    throw new Error(`result(${JSON.stringify(id)}): no run with this id was submitted`)
  }
  if (job.state !== "failed" && job.state !== "cancelled") return undefined
  const output = (job.output ?? {}) as { message?: string; name?: string; worker?: string }
  const error = new Error(
    `run ${JSON.stringify(id)} (${job.data.ref}) could not be run: ${output.message ?? job.state} (given up after ${job.retryCount} retries)`,
  )
  return {
    status: "failed",
    error,
    ...(output.worker === undefined ? {} : { worker: output.worker }),
  }
}

/** A stored outcome as {@link WorkQueue.result} gives it. */
export function outcomeOf(id: string, stored: StoredJson): DistributedOutcome {
  const o = stored as {
    status?: string
    value?: Encoded
    reason?: Encoded
    error?: Encoded
    taskId?: number
    taskName?: string
    traceback?: string
    worker?: string
  }
  const worker = typeof o.worker === "string" ? { worker: o.worker } : {}
  if (o.status === "done") return { status: "done", value: decode(o.value as Encoded), ...worker }
  if (o.status === "failed") {
    return {
      status: "failed",
      error: decode(o.error as Encoded),
      ...(o.taskId === undefined ? {} : { taskId: o.taskId }),
      ...(o.taskName === undefined ? {} : { taskName: o.taskName }),
      ...(o.traceback === undefined ? {} : { traceback: o.traceback }),
      ...worker,
    }
  }
  // A run that stopped itself (its scheduler's maxRounds) ended with that StopError.
  if (o.status === "stopped") return { status: "failed", error: stoppedError(o.reason), ...worker }
  throw new TypeError(
    `the stored outcome of run ${JSON.stringify(id)} is damaged: ${JSON.stringify(stored)?.slice(0, 120)}`,
  )
}

export function checkConnection(options: unknown, fn: string): string {
  const c = (options as { connectionString?: unknown } | null)?.connectionString
  if (typeof c !== "string" || c === "") {
    throw new TypeError(
      `${fn}({ connectionString }): connectionString must be a PostgreSQL connection string, got ${c === undefined ? String(options) : JSON.stringify(c)}`,
    )
  }
  return c
}
