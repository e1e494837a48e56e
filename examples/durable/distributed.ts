// Durable runs spread over workers through the queue (docs/distributed.md).
//
// Starts a throwaway PostgreSQL server (as the tests do), two workers in this process
// (in production: `effvm worker` processes on any number of machines), submits five
// checkouts by module, export and arguments, one of them declined, and prints each
// outcome, which worker finished it, and the declined one's traceback. Submitting an id a
// second time runs nothing new.
// Run after `pnpm build`:
//   node examples/dist/durable/distributed.js
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { effectKey, startWorker, workQueue } from "@effvm/durable"
import { scheduled } from "@effvm/scheduler"
import { Effect, fn, handler, Transfer } from "@effvm/vm-core"

class Charge extends Effect<string> {
  constructor(
    readonly order: number,
    readonly cents: number,
  ) {
    super()
  }
}

const checkout = fn(function* checkout(order: number) {
  const receipt = yield* new Charge(order, 1000 + order)
  if (order === 3) throw new Error(`card declined for order ${order}`)
  return receipt
})

/** What the queue names: `<this file>#flow`, called with the order number. */
export const flow = (order: number) => scheduled(checkout(order))

// The outside: a bank that is given each charge's stable key as its idempotency key.
const bank = handler(
  function* bank(eff: Charge, k) {
    return yield* Transfer(k, `receipt for ${eff.cents} cents (key ${effectKey(eff)})`)
  },
  { handles: [Charge] },
)

async function main(): Promise<void> {
  const root = fileURLToPath(new URL("../../../", import.meta.url))
  const { startPostgres } = (await import(join(root, "scripts", "services", "postgres.mjs"))) as {
    startPostgres(): Promise<{ connectionString: string; stop(): Promise<void> }>
  }
  const server = await startPostgres()
  const { connectionString } = server
  const q = await workQueue({ connectionString })
  const workers = await Promise.all(
    ["worker-a", "worker-b"].map((name) =>
      startWorker({ connectionString, concurrency: 2, handlers: [bank], name, lease: 5 }),
    ),
  )
  try {
    const ref = `${fileURLToPath(import.meta.url)}#flow`
    const ids: string[] = []
    for (let order = 1; order <= 5; order++) {
      ids.push(await q.submit(ref, [order], { id: `order-${order}` }))
    }
    await q.submit(ref, [1], { id: "order-1" }) // the same id: the same run
    for (const id of ids) {
      const outcome = await q.result(id)
      if (outcome.status === "done") console.log(`${id}: ${outcome.value} (on ${outcome.worker})`)
      else console.log(`${id}: failed on ${outcome.worker}\n${outcome.traceback}`)
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()))
    await q.close()
    await server.stop()
  }
}

// Not a top-level await: the workers import this module (its `flow`), and an import of a
// module still being evaluated would wait for main() to end.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
