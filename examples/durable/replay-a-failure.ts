// Debugging a production failure by replay (docs/durable.md).
//
// A checkout calls a flaky payment service (an outside handler) and a stock service (a JS
// promise) from several tasks on the real clock. In "production" we record the run; it
// fails. On the "laptop" we replay the journal: the same traceback, byte for byte, without
// calling the payment service once and without waiting for the retries' sleeps. Then a
// changed program replays to a JournalDivergenceError that says where it departs.
// Run after `pnpm build`:
//   node examples/dist/durable/replay-a-failure.js
import {
  awaitPromise,
  Effect,
  fn,
  formatTraceback,
  gather,
  handler,
  program,
  realClock,
  scheduled,
  sleep,
  spawn,
  Transfer,
} from "effvm"
import { type Journal, JournalDivergenceError, record, replay } from "effvm/durable"

/** Charge a card: answered by the payment service, outside the program. */
class Charge extends Effect<string> {
  constructor(
    readonly order: string,
    readonly cents: number,
  ) {
    super()
  }
}

let paymentCalls = 0
/** The payment service: declines now and then (here: the third charge). */
const payments = handler(
  (charge: Charge, k) => {
    paymentCalls++
    if (paymentCalls === 3) throw new Error(`card declined for ${charge.order}`)
    return Transfer(k, `receipt-${charge.order}-${Math.floor(Math.random() * 1e6)}`)
  },
  { handles: [Charge], name: "payments" },
)

/** Stock comes from another service, as a JS promise with whatever it answers today. */
function stockOf(item: string): Promise<number> {
  return new Promise((resolve) =>
    setTimeout(() => resolve(item.length + Math.floor(Math.random() * 3)), 2),
  )
}

const settings = { retryDelay: 5 }

const checkoutOne = fn(function* checkoutOne(order: string) {
  const stock = yield* awaitPromise(stockOf(order))
  if (stock < 1) throw new Error(`out of stock: ${order}`)
  yield* sleep(settings.retryDelay)
  return yield* new Charge(order, 1_000 * stock)
})

const checkout = program(function* checkout() {
  const tasks = []
  for (const order of ["book", "lamp", "desk", "pen"])
    tasks.push(yield* spawn(checkoutOne(order), { name: `order ${order}` }))
  return yield* gather(...tasks)
})

const main = () => scheduled(checkout, { clock: realClock })

// Production: the run fails; keep its journal (here in memory; a file in real life).
const { outcome, journal } = await record(main(), { handlers: [payments] })
if (outcome.status !== "failed") throw new Error("expected the recorded run to fail")
const recorded = formatTraceback(outcome.error)
const saved: Journal = JSON.parse(JSON.stringify(journal))
console.log(`recorded: ${journal.entries.length} entries, ${paymentCalls} payment calls`)

// The laptop: replay. No payment call, no real sleeps, the same traceback.
const callsBefore = paymentCalls
const started = performance.now()
const again = await replay(main(), saved)
if (again.status !== "failed") throw new Error("the replay should fail as the run did")
const replayed = formatTraceback(again.error)
console.log(
  `replayed in ${(performance.now() - started).toFixed(0)} ms, ${paymentCalls - callsBefore} payment calls, same traceback: ${replayed === recorded}`,
)
console.log(replayed)
if (replayed !== recorded || paymentCalls !== callsBefore) process.exit(1)

// A fix that changes the effects (no retry sleep) no longer matches: replay says where.
settings.retryDelay = 0
try {
  await replay(main(), saved)
  process.exit(1)
} catch (error) {
  if (!(error instanceof JournalDivergenceError)) throw error
  console.log(
    `changed program: entry ${error.position}: expected ${error.expected}, got ${error.actual}`,
  )
}
