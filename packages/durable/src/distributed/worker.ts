import { hostname } from "node:os"
import { type HandlerDef, type HandlerFunction, handler } from "@effvm/vm-core"
import type PgBoss from "pg-boss"
import { durable } from "../durable.js"
import { JOURNAL_VERSION } from "../journal/format.js"
import { postgresStore } from "../store/postgres.js"
import type { RunClaim, Store, StoredJson } from "../store/store.js"
import { RUN_QUEUE, type RunJob, startBoss } from "./boss.js"
import { checkConnection } from "./queue.js"
import { loadRun } from "./ref.js"

/**
 * Options of {@link startWorker}.
 *
 * @example
 * const options: WorkerOptions = { connectionString, concurrency: 4, handlers: [payments], lease: 30 }
 */
export interface WorkerOptions {
  /** The PostgreSQL database of the runs (the queue's and the store's). */
  readonly connectionString: string
  /** How many runs this worker runs at once (default 1). */
  readonly concurrency?: number
  /** The outside handlers every run gets, as `run` takes them. */
  readonly handlers?: readonly (HandlerDef | HandlerFunction)[]
  /**
   * The lease, in seconds (default 30): the worker renews its claim on each run it holds
   * every third of it; a worker that dies (SIGKILL, a lost machine) stops renewing, and
   * once the lease has run out the run goes back to the queue for another worker.
   */
  readonly lease?: number
  /** How this worker is named in outcomes and logs (default `host:pid`). */
  readonly name?: string
  /** How long an idle worker waits before asking the queue again, in ms (default 200). */
  readonly pollMs?: number
  /** Where relative run references resolve (default `process.cwd()`). */
  readonly cwd?: string
}

/**
 * A running worker, from {@link startWorker}.
 *
 * @example
 * const worker: Worker = await startWorker({ connectionString, concurrency: 2 })
 * process.on("SIGTERM", () => void worker.stop())
 */
export interface Worker {
  /** The worker's name (in outcomes: `outcome.worker`). */
  readonly name: string
  /** How many runs this worker has finished (done or failed). */
  readonly finished: number
  /**
   * Lets go cleanly: takes no new run, stops the runs under way (their cleanups run, they
   * stay resumable), gives them back to the queue, and closes the connections.
   */
  stop(): Promise<void>
}

/**
 * Starts a worker: it claims runs from the queue (`workQueue().submit`) on the PostgreSQL
 * database and executes them with `durable` on a `postgresStore` of the same database,
 * `concurrency` at a time. A run whose worker dies is resumed from its journal by another
 * worker once the worker's lease has run out, with the same run id and the same
 * `effectKey` for every effect.
 *
 * @example
 * import { startWorker } from "@effvm/durable"
 * const worker = await startWorker({
 *   connectionString: process.env.DATABASE_URL!,
 *   concurrency: 4,
 *   handlers: [payments, mailer],
 * })
 * process.once("SIGTERM", () => void worker.stop())
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const connectionString = checkConnection(options, "startWorker")
  const concurrency = options.concurrency ?? 1
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(
      `startWorker({ concurrency }): concurrency must be a positive integer, got ${String(concurrency)}`,
    )
  }
  const lease = options.lease ?? 30
  if (typeof lease !== "number" || !(lease >= 1)) {
    throw new TypeError(
      `startWorker({ lease }): lease must be a number of seconds, at least 1, got ${String(lease)}`,
    )
  }
  const handlers = options.handlers ?? []
  if (!Array.isArray(handlers)) {
    throw new TypeError(
      `startWorker({ handlers }): handlers must be an array of handlers, got ${String(handlers)}`,
    )
  }
  const outside = handlers.map((h) => (typeof h === "function" ? handler(h) : h))
  const name = options.name ?? `${hostname()}:${process.pid}`
  const pollMs = options.pollMs ?? 200
  const cwd = options.cwd ?? process.cwd()

  const boss = await startBoss(connectionString, {
    supervise: true,
    maintenanceIntervalSeconds: Math.max(1, Math.floor(lease / 2)),
  })
  // Each run under way holds a connection for its claim and writes with another.
  const store = postgresStore({ connectionString, max: concurrency * 2 + 2 })
  const db = boss.getDb()
  const running = new Map<string, AbortController>()
  let stopping = false
  let finished = 0
  let wake: (() => void) | undefined

  const renew = async (ids: readonly string[]): Promise<void> => {
    if (ids.length === 0) return
    // The lease: pg-boss expires an active job once started_on + expire_in has passed.
    await db.executeSql(
      `UPDATE pgboss.job SET started_on = now(), expire_in = make_interval(secs => $3)
       WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`,
      [RUN_QUEUE, ids, lease],
    )
  }
  const renewing = setInterval(
    () => {
      renew([...running.keys()]).catch(() => {})
    },
    (lease * 1000) / 3,
  )

  const execute = async (job: PgBoss.Job<RunJob>): Promise<void> => {
    const controller = new AbortController()
    running.set(job.id, controller)
    const { ref, args, id } = job.data
    try {
      await renew([job.id])
      const program = await loadRun(ref, args, cwd)
      const meta = {
        ref,
        args: args as StoredJson,
        worker: name,
        outside: outside.map((h) => ({
          name: h.name,
          handles: h.handles === null ? null : h.handles.map((c: { name: string }) => c.name),
        })),
      }
      await durable(program, {
        store: workerStore(store, meta, name),
        id,
        handlers,
        signal: controller.signal,
      }).catch(() => {})
      // Done or failed, a finished run has its outcome stored; anything else (a stop, a
      // store that failed, a claim held elsewhere) goes back to the queue.
      const stored = await store.load(id)
      if (stored?.outcome === undefined)
        throw new Error(`run ${JSON.stringify(id)} did not finish on ${name}`)
      finished++
      await boss.complete(RUN_QUEUE, job.id, { worker: name })
    } catch (error) {
      await boss
        .fail(RUN_QUEUE, job.id, {
          name: (error as Error)?.name,
          message: (error as Error)?.message ?? String(error),
          worker: name,
        })
        .catch(() => {})
    } finally {
      running.delete(job.id)
    }
  }

  const slot = async (): Promise<void> => {
    while (!stopping) {
      let jobs: PgBoss.Job<RunJob>[] = []
      try {
        jobs = await boss.fetch<RunJob>(RUN_QUEUE, { batchSize: 1 })
      } catch {
        jobs = []
      }
      const job = jobs[0]
      if (job === undefined) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, pollMs)
          wake = () => {
            clearTimeout(t)
            r()
          }
        })
        continue
      }
      if (stopping) {
        await boss.fail(RUN_QUEUE, job.id, { message: `worker ${name} is stopping`, worker: name })
        break
      }
      await execute(job)
    }
  }
  const slots = Array.from({ length: concurrency }, () => slot())

  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true
      wake?.()
      for (const controller of running.values()) controller.abort()
      await Promise.all(slots)
      clearInterval(renewing)
      await boss.stop({ graceful: false, wait: true })
      await store.close()
    })()
    return stopped
  }
  return {
    name,
    get finished() {
      return finished
    },
    stop,
  }
}

/**
 * The store a worker gives `durable`: the run's reference, arguments, worker and outside
 * handlers kept with the run (for `effvm replay --database`), and the finishing worker's
 * name kept with the outcome.
 */
function workerStore(store: Store, meta: Record<string, StoredJson>, worker: string): Store {
  return {
    kind: store.kind,
    load: (id) => store.load(id),
    close: () => Promise.resolve(),
    claim: async (id, given) => {
      const claim: RunClaim = await store.claim(id, {
        ...((given ?? {}) as Record<string, StoredJson>),
        ...meta,
        journal: JOURNAL_VERSION,
      })
      return {
        id: claim.id,
        run: claim.run,
        append: (position, entries) => claim.append(position, entries),
        finish: (outcome) => {
          const o: Record<string, StoredJson> = {
            ...(outcome as Record<string, StoredJson>),
            worker,
          }
          if (typeof o.traceback === "string") {
            o.traceback = `Run ${JSON.stringify(id)} failed on worker ${worker}:\n${o.traceback}`
          }
          return claim.finish(o)
        },
        release: () => claim.release(),
      }
    },
  }
}
