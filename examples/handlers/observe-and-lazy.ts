// Tools around handlers: `observe` sees every effect a region performs (here: to count
// them, like Effect.tap on every step), `intercept` swaps one effect for another (a test
// database), a `lazy` reader value is connected on first use and shared by every ask, a
// `Map` environment keys services by symbol, `listen` collects the Log and Tell effects a
// step performed, and `k.frames` / `k.handlers` tell a handler where it was called from.
// Run after `pnpm build`:
//   node examples/dist/handlers/observe-and-lazy.js
import {
  Ask,
  ask,
  defaultHandlers,
  Log,
  lazy,
  listen,
  log,
  reader,
  Tell,
  tell,
} from "@effvm/handlers"
import {
  type Effect,
  Effect as EffectBase,
  fn,
  handler,
  intercept,
  observe,
  program,
  run,
  Transfer,
  withHandlers,
  type Yielded,
} from "@effvm/vm-core"

const Database = Symbol("database")
let connections = 0

const connect = fn(function* connect(): Generator<Yielded, string, unknown> {
  const url = yield* ask<string>("url")
  connections++
  yield* log("connecting to", url)
  return `connection #${connections} to ${url}`
})

const query = fn(function* query(sql: string): Generator<Yielded, string, unknown> {
  const db = yield* ask<string>(Database)
  yield* log("running", sql)
  yield* tell(sql)
  return `${sql} via ${db}`
})

class Where extends EffectBase<string> {}
const whereAmI = fn(function* whereAmI(): Generator<Yielded, string, unknown> {
  return yield* new Where()
})

const main = program(function* main() {
  const a = yield* query("select 1")
  const b = yield* query("select 2")
  const [, performed] = yield* listen(query("select 3"), { effects: [Log, Tell] })
  const here = yield* whereAmI()
  return { a, b, performed: performed.map((e) => e.constructor.name), here }
})

const env = new Map<unknown, unknown>([
  ["url", "postgres://prod"],
  [Database, lazy(connect())],
])
const locator = handler(
  (_eff: Where, k) =>
    Transfer(k, `${k.frames.map((f) => f.name).join(" < ")} under ${k.handlers.join(", ")}`),
  { handles: [Where], name: "locator" },
)

const seen: string[] = []
const counted = observe((effect: Effect<unknown>) => {
  seen.push(effect instanceof Ask ? `Ask(${String(effect.key)})` : effect.constructor.name)
}, main)
const result = run(withHandlers([...defaultHandlers(), reader(env), locator], counted))
console.log(result.a)
console.log(result.b)
console.log("listen saw:", result.performed.join(", "))
console.log("where:", result.here)
console.log(`observed ${seen.length} effects: ${seen.join(", ")}`)
console.log(`connections made: ${connections}`)

// intercept: inside the region, every Ask for the database asks for the test database.
const testing = intercept(
  (effect) => (effect instanceof Ask && effect.key === Database ? new Ask("testDatabase") : effect),
  main,
)
const testEnv = new Map<unknown, unknown>([...env, ["testDatabase", "an in-memory test db"]])
const tested = run(withHandlers([...defaultHandlers(), reader(testEnv), locator], testing))
console.log("under intercept:", tested.a)
if (!tested.a.includes("in-memory")) throw new Error("intercept did not redirect the database")
