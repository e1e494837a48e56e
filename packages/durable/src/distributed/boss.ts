import { createHash } from "node:crypto"
import type PgBoss from "pg-boss"

/** The pg-boss queue durable runs go through. */
export const RUN_QUEUE = "effvm-runs"

/** How often pg-boss retries a run whose worker let go of it or died (then it is failed). */
export const RETRY_LIMIT = 10

/** What a job of {@link RUN_QUEUE} carries. */
export interface RunJob {
  readonly ref: string
  readonly args: readonly unknown[]
  readonly id: string
}

const QUEUE_OPTIONS: PgBoss.Queue = {
  name: RUN_QUEUE,
  policy: "standard",
  retryLimit: RETRY_LIMIT,
  retryDelay: 1,
  retryBackoff: true,
  // Until the worker that fetched a job renews it with its own lease (at once).
  expireInSeconds: 60,
}

let loading: Promise<typeof PgBoss> | undefined

/** pg-boss, loaded on first use (a process that never distributes runs does not load it). */
export function loadBoss(): Promise<typeof PgBoss> {
  loading ??= import("pg-boss").then((m) => (m as { default: typeof PgBoss }).default)
  return loading
}

/** Starts a pg-boss instance on `connectionString` and makes sure the run queue exists. */
export async function startBoss(
  connectionString: string,
  options: { readonly supervise: boolean; readonly maintenanceIntervalSeconds?: number },
): Promise<PgBoss> {
  const Boss = await loadBoss()
  const boss = new Boss({
    connectionString,
    max: 3,
    schedule: false,
    supervise: options.supervise,
    ...(options.maintenanceIntervalSeconds === undefined
      ? {}
      : { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds }),
  })
  // pg-boss reports its background errors (a lost connection) as events: without a
  // listener an EventEmitter would throw them. The next fetch or write reports them.
  boss.on("error", () => {})
  await boss.start()
  // Workers started together on a new database race to create the queue (pg-boss makes a
  // partition table per queue): whoever loses a deadlock or a duplicate looks again.
  for (let attempt = 0; ; attempt++) {
    if ((await boss.getQueue(RUN_QUEUE)) !== null) break
    try {
      await boss.createQueue(RUN_QUEUE, QUEUE_OPTIONS)
      break
    } catch (error) {
      const code = (error as { code?: string }).code
      if (attempt >= 10 || !["40P01", "23505", "42P07", "40001"].includes(code ?? "")) throw error
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80))
    }
  }
  return boss
}

/** The pg-boss job id of a run: a UUID derived from the run id, so one id is one job. */
export function jobIdOf(runId: string): string {
  const h = createHash("sha256").update(`effvm-run:${runId}`).digest("hex")
  // A version-5-shaped UUID (pg-boss job ids are UUIDs).
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}
