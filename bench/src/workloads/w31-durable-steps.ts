/**
 * W31: durable steps per second. A workflow of `size` steps, each an outside effect whose
 * answer (1) must be stored before the workflow goes on, run as a new durable run each
 * time: effvm's `durable` on SQLite (write-ahead-log mode, `synchronous` full and normal)
 * and on PostgreSQL, and the anchor, DBOS Transact (`@dbos-inc/dbos-sdk`), running the
 * same workflow of steps on the same PostgreSQL server in the same bench run. Unit: ns per
 * step (steps per second = 10⁹ / that). The PostgreSQL server is started by the bench runner
 * (scripts/services/postgres.mjs) and named in `EFFVM_BENCH_POSTGRES`. Target: more durable
 * steps per second than DBOS.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { durable, postgresStore, type Store, sqliteStore } from "@effvm/durable"
import { Effect, handler, type Program, program, Transfer } from "@effvm/vm-core"
import { NA, okValue, times, verdict } from "../targets.js"
import type { Case, Workload } from "../types.js"

class Step extends Effect<number> {
  constructor(readonly index: number) {
    super()
  }
}

const steps = (n: number): Program<number> =>
  program(function* workflow() {
    let sum = 0
    for (let i = 0; i < n; i++) sum += yield* new Step(i)
    return sum
  })

const step = handler((_eff: Step, k) => Transfer(k, 1), { handles: [Step] })

function postgresUrl(): string {
  const url = process.env.EFFVM_BENCH_POSTGRES
  if (url === undefined) {
    throw new Error("W31 needs EFFVM_BENCH_POSTGRES (bench/run.mjs starts a server and sets it)")
  }
  return url
}

let runs = 0
const stores = new Map<string, Store>()
function storeFor(kind: string): Store {
  let store = stores.get(kind)
  if (store === undefined) {
    if (kind === "postgres") store = postgresStore(postgresUrl())
    else {
      const dir = mkdtempSync(join(tmpdir(), "effvm-bench-w31-"))
      process.on("exit", () => rmSync(dir, { recursive: true, force: true }))
      store = sqliteStore(join(dir, "runs.db"), {
        synchronous: kind === "sqlite-normal" ? "normal" : "full",
      })
    }
    stores.set(kind, store)
  }
  return store
}

const effvmCase = (variant: string, label: string): Case => ({
  runtime: "effvm",
  variant,
  label,
  run: (n) =>
    durable(steps(n), {
      store: storeFor(variant),
      id: `w31-${variant}-${process.pid}-${++runs}`,
      handlers: [step],
    }),
})

// DBOS Transact, loaded only by the rows that use it: the same workflow, each step a
// \`DBOS.runStep\` (its output checkpointed in the system database before the next).
let dbosWorkflow: ((n: number) => Promise<number>) | undefined
async function dbos(): Promise<(n: number) => Promise<number>> {
  if (dbosWorkflow !== undefined) return dbosWorkflow
  const { DBOS } = await import("@dbos-inc/dbos-sdk")
  const base = postgresUrl()
  DBOS.setConfig({ name: "effvm-bench", systemDatabaseUrl: base.replace(/\/[^/]*$/, "/dbos_w31") })
  const one = async () => 1
  const workflow = DBOS.registerWorkflow(
    async (n: number) => {
      let sum = 0
      for (let i = 0; i < n; i++) sum += await DBOS.runStep(one, { name: "step" })
      return sum
    },
    { name: "workflow" },
  )
  await DBOS.launch()
  dbosWorkflow = workflow
  return workflow
}

const cases: Case[] = [
  effvmCase("sqlite-full", "durable, sqliteStore (WAL, synchronous full)"),
  effvmCase("sqlite-normal", "durable, sqliteStore (WAL, synchronous normal)"),
  effvmCase("postgres", "durable, postgresStore"),
  {
    runtime: "dbos",
    variant: "postgres",
    label: "DBOS Transact workflow of runStep",
    vs: { effvm: "postgres" },
    run: async (n) => (await dbos())(n),
  },
]

export const workload: Workload = {
  id: "W31",
  title: "durable steps: a workflow of outside effects, each stored before the next",
  metric: { kind: "per-unit", unit: "ns/step" },
  sizes: [1000],
  smokeSizes: [20],
  expected: (n) => n,
  services: ["postgres"],
  cases,
  targets: [
    {
      workload: "W31",
      text: "W31 durable steps per second on PostgreSQL: effvm > DBOS Transact",
      check(get) {
        const e = okValue(get("W31", "effvm", "postgres"))
        const d = okValue(get("W31", "dbos", "postgres"))
        if (e === undefined || d === undefined) return NA("missing effvm or DBOS row")
        return {
          measured: `effvm ${Math.round(1e9 / e)}/s, DBOS ${Math.round(1e9 / d)}/s (${times(d / e)})`,
          status: verdict(e < d),
        }
      },
    },
  ],
}
