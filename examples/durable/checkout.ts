// A durable checkout that survives a crash (docs/durable.md, "Durable runs").
//
// The workflow reserves stock, charges the card and mails a receipt, each through an
// outside handler. Its journal lives in a SQLite file (sqliteStore). The first process is
// killed (SIGKILL) right after the bank charged the card, before the answer was stored: the
// charge is in flight. A second process runs the same id: it replays the reservation from
// the journal (the warehouse is not asked again), performs the charge again with the same
// effectKey, which the bank recognises, so the card is charged once, and finishes. A third
// call returns the stored outcome without running anything.
// Run after `pnpm build`:
//   node examples/dist/durable/checkout.js
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { durable, effectKey, sqliteStore } from "@effvm/durable"
import { Effect, fn, handler, Transfer } from "@effvm/vm-core"

class Reserve extends Effect<string> {
  constructor(readonly item: string) {
    super()
  }
}
class Charge extends Effect<string> {
  constructor(readonly cents: number) {
    super()
  }
}
class Mail extends Effect<void> {
  constructor(readonly text: string) {
    super()
  }
}

const checkout = fn(function* checkout(order: string, item: string, cents: number) {
  const reservation = yield* new Reserve(item)
  const receipt = yield* new Charge(cents)
  yield* new Mail(`order ${order}: ${item} (${reservation}), paid ${receipt}`)
  return { order, reservation, receipt }
})

// The outside world: a warehouse, and a bank that keeps its charges in a file, keyed by
// the idempotency key the caller gives (as payment APIs do).
const dir = process.env.CHECKOUT_DIR ?? mkdtempSync(join(tmpdir(), "effvm-checkout-"))
const bankFile = join(dir, "bank.json")
const bank = (): Record<string, number> =>
  existsSync(bankFile) ? JSON.parse(readFileSync(bankFile, "utf8")) : {}

const warehouse = handler(
  (eff: Reserve, k) => {
    console.log(`  warehouse: reserving ${eff.item}`)
    return Transfer(k, `shelf 7, ${eff.item}`)
  },
  { handles: [Reserve] },
)
const payments = handler(
  (eff: Charge, k) => {
    const key = effectKey(eff) // "<run id>:<position>": the same if this charge runs again
    const charges = bank()
    if (key in charges) console.log(`  bank: ${key} already charged, not charging again`)
    else {
      charges[key] = eff.cents
      writeFileSync(bankFile, JSON.stringify(charges))
      console.log(`  bank: charged ${eff.cents} cents under key ${key}`)
    }
    if (process.env.CHECKOUT_CRASH === "1") {
      console.log("  (the process dies before the answer is stored)")
      process.kill(process.pid, "SIGKILL")
    }
    return Transfer(k, `receipt ${key}`)
  },
  { handles: [Charge] },
)
const mailer = handler(
  (eff: Mail, k) => {
    console.log(`  mail: ${eff.text}`)
    return Transfer(k, undefined)
  },
  { handles: [Mail] },
)

async function placeOrder() {
  const store = sqliteStore(join(dir, "runs.db"))
  try {
    return await durable(checkout("42", "teapot", 1999), {
      store,
      id: "checkout-42",
      handlers: [warehouse, payments, mailer],
    })
  } finally {
    await store.close()
  }
}

if (process.env.CHECKOUT_DIR !== undefined) {
  // A child process: run the order (and, with CHECKOUT_CRASH=1, die in the middle).
  await placeOrder()
} else {
  try {
    console.log("process 1:")
    const crashed = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, CHECKOUT_DIR: dir, CHECKOUT_CRASH: "1" },
      stdio: "inherit",
    })
    console.log(`  -> killed by ${crashed.signal}`)
    console.log("process 2 (same run id):")
    const result = await placeOrder()
    console.log("  ->", result)
    console.log("process 2 again (the run has finished):")
    console.log("  ->", await placeOrder())
    console.log("charges at the bank:", bank())
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
