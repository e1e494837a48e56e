// A checkout of a small shop as a program module: stock is reserved, seven orders are
// charged in parallel (at most three at a time) and a courier is booked. One card is
// declined: its task fails, the other charges and the courier are cancelled, and the run
// fails with a traceback across three tasks. It is the run the timeline docs show
// (docs/timeline.md): `write-timeline.ts` renders it, and so does
//   pnpm exec effvm run examples/timeline/shop.ts --virtual-clock --timeline shop.html
import { ask, log } from "@effvm/handlers"
import {
  acquire,
  createSemaphore,
  gather,
  release,
  type Semaphore,
  sleep,
  spawn,
} from "@effvm/scheduler"
import {
  Effect,
  fn,
  handler,
  Pass,
  program,
  Resume,
  ResumeThrow,
  withHandlers,
} from "@effvm/vm-core"

/** Charges a card: answers a receipt id. */
export class Charge extends Effect<string> {
  constructor(
    readonly order: string,
    readonly cents: number,
  ) {
    super()
  }
}

/** Reads how many items of `sku` are in stock. */
export class Stock extends Effect<number> {
  constructor(readonly sku: string) {
    super()
  }
}

/** The payment gateway: declines one card, answers a receipt for the others. */
const gateway = handler(
  (eff: Charge, k) =>
    eff.order === "o-15"
      ? ResumeThrow(k, new Error(`card declined for order ${eff.order}`))
      : Resume(k, `receipt-${eff.order}`),
  { handles: [Charge], name: "gateway" },
)

/** Looks at every charge first and lets the gateway answer it. */
const fraudCheck = handler(
  function* fraudCheck() {
    return yield* Pass()
  },
  { handles: [Charge] },
)

/** The warehouse's stock levels. */
const warehouse = handler((eff: Stock, k) => Resume(k, eff.sku.length * 3), {
  handles: [Stock],
  name: "warehouse",
})

const reserve = fn(function* reserve(sku: string) {
  const inStock = yield* new Stock(sku)
  yield* sleep(4)
  yield* log(`reserved ${sku} (${inStock} in stock)`)
  return sku
})

const inventory = fn(function* inventory(skus: readonly string[]) {
  for (const sku of skus) yield* reserve(sku)
  return skus.length
})

const charge = fn(function* charge(pool: Semaphore, order: string, cents: number) {
  yield* acquire(pool)
  try {
    yield* sleep(3 + (cents % 7))
    const receipt = yield* new Charge(order, cents)
    yield* log(`charged ${order}: ${receipt}`)
    return receipt
  } finally {
    yield* release(pool)
  }
})

const payments = fn(function* payments(orders: readonly (readonly [string, number])[]) {
  const pool = yield* createSemaphore(3)
  const charges = []
  for (const [order, cents] of orders) {
    charges.push(yield* spawn(charge(pool, order, cents), { name: `charge ${order}` }))
  }
  return yield* gather(...charges)
})

const courier = fn(function* courier() {
  const depot = yield* ask<string>("depot")
  for (let call = 1; call <= 6; call++) {
    yield* sleep(6)
    yield* log(`courier: still waiting for a van from ${depot} (call ${call})`)
  }
  return "van booked"
})

const shopping = program(function* shopping() {
  const stock = yield* spawn(inventory(["kettle", "mug", "teapot"]), { name: "inventory" })
  const paid = yield* spawn(
    payments([
      ["o-11", 1250],
      ["o-12", 830],
      ["o-13", 4410],
      ["o-14", 99],
      ["o-15", 2300],
      ["o-16", 640],
      ["o-17", 1575],
    ]),
    { name: "payments" },
  )
  const van = yield* spawn(courier(), { name: "courier" })
  return yield* gather(stock, paid, van)
})

/** The whole checkout under the shop's own handlers, ready for `scheduled` (or `effvm run`). */
export default program(function* checkout() {
  return yield* withHandlers([gateway, fraudCheck, warehouse], shopping)
})
