import {
  createVM,
  Delegate,
  Effect,
  type HandlerDef,
  handler,
  Pass,
  program,
  Resume,
  run,
  Transfer,
  withHandler,
  withHandlers,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  Ask,
  ask,
  get,
  log,
  logger,
  modify,
  put,
  reader,
  state,
  tell,
  writer,
} from "../src/index.js"

class Tick extends Effect<number> {}

/** Runs `n` performs of `make()` under `h` and counts the machine's steps. */
function stepsFor(h: HandlerDef, make: () => Effect<unknown>, n = 100): number {
  const loop = program(function* performLoop() {
    for (let i = 0; i < n; i++) yield* make()
  })
  const vm = createVM(withHandler(h, loop))
  expect(vm.runFor(Number.POSITIVE_INFINITY)).toBe("done")
  return vm.steps
}

describe("fast path", () => {
  const baseline = stepsFor(
    handler((_eff: Tick, k) => Transfer(k, 1), { handles: [Tick] }),
    () => new Tick(),
  )
  const cases: [string, () => HandlerDef, () => Effect<unknown>][] = [
    ["reader answers Ask", () => reader({ a: 1 }), () => ask("a")],
    ["state answers Get", () => state({ n: 1 }), () => get("n")],
    ["state answers Put", () => state(), () => put("n", 1)],
    ["state answers Modify", () => state({ n: 1 }), () => modify<number>("n", (n) => n + 1)],
    ["writer answers Tell", () => writer(), () => tell(1)],
    ["logger answers Log", () => logger({ keep: false }), () => log("x")],
  ]
  for (const [name, make, effect] of cases) {
    it(`${name} in as many machine steps as a one-line fast-path handler`, () => {
      expect(stepsFor(make(), effect)).toBe(baseline)
    })
  }

  it("skips built-in handlers for effects they do not declare", () => {
    const inner: HandlerDef[] = [reader({}), state(), writer(), logger()]
    const main = program(function* main() {
      return yield* new Tick()
    })
    const outer = handler((_eff: Tick, k) => Transfer(k, 5), { handles: [Tick] })
    expect(run(withHandlers([outer, ...inner], main))).toBe(5)
  })
})

describe("composition with user handlers", () => {
  it("lets a caching handler in front of Ask delegate misses to the reader", () => {
    const lookups: string[] = []
    const cache = new Map<string, unknown>()
    const caching = handler(
      function* caching(eff: Ask<unknown>, k) {
        if (cache.has(eff.key)) return yield* Transfer(k, cache.get(eff.key))
        lookups.push(eff.key)
        const value = yield* Delegate()
        cache.set(eff.key, value)
        return yield* Transfer(k, value)
      },
      { handles: [Ask] },
    )
    const main = program(function* main() {
      const answers: unknown[] = []
      for (const key of ["user", "role", "user", "user", "role"]) answers.push(yield* ask(key))
      return answers
    })
    expect(run(withHandlers([reader({ user: "ada", role: "admin" }), caching], main))).toEqual([
      "ada",
      "admin",
      "ada",
      "ada",
      "admin",
    ])
    expect(lookups).toEqual(["user", "role"])
  })

  class Clock extends Effect<number> {}
  const clock = handler((_eff: Clock, k) => Transfer(k, 123), { handles: [Clock], name: "clock" })
  const tracing = handler(() => Pass(), { name: "tracing" })
  const app = program(function* app() {
    const now = yield* new Clock()
    const user = yield* ask<string>("user")
    yield* put("seen", now)
    yield* tell(user)
    yield* log("visit", user)
    return [user, yield* get("seen")]
  })
  const orders: [string, (hs: HandlerDef[]) => HandlerDef[]][] = [
    ["user handlers outermost", (hs) => [clock, tracing, ...hs]],
    ["user handlers innermost", (hs) => [...hs, tracing, clock]],
    ["user handlers interleaved", ([r, s, w, l]) => [r!, clock, s!, tracing, w!, l!]],
  ]
  for (const [name, order] of orders) {
    it(`works with ${name}`, () => {
      const w = writer()
      const l = logger()
      const s = state()
      expect(run(withHandlers(order([reader({ user: "ada" }), s, w, l]), app))).toEqual([
        "ada",
        123,
      ])
      expect([w.told, l.entries.length, s.store.get("seen")]).toEqual([["ada"], 1, 123])
    })
  }

  it("answers built-in effects a user handler performs, from handlers outside it", () => {
    class Greet extends Effect<string> {}
    const greeter = handler(
      function* greeter(_eff: Greet, k) {
        const user = yield* ask<string>("user")
        yield* modify<number>("greetings", (n) => n + 1)
        return yield* Transfer(k, `hi ${user}`)
      },
      { handles: [Greet] },
    )
    const main = program(function* main() {
      return [yield* new Greet(), yield* new Greet()]
    })
    const s = state({ greetings: 0 })
    expect(run(withHandlers([reader({ user: "ada" }), s, greeter], main))).toEqual([
      "hi ada",
      "hi ada",
    ])
    expect(s.store.get("greetings")).toBe(2)
  })

  it("lets a user handler answer Ask in front of the reader for some keys and pass the rest", () => {
    const override = handler(
      (eff: Ask<unknown>, k) => (eff.key === "flag" ? Transfer(k, true) : Pass()),
      { handles: [Ask] },
    )
    const main = program(function* main() {
      return [yield* ask("flag"), yield* ask("user")]
    })
    expect(run(withHandlers([reader({ user: "ada", flag: false }), override], main))).toEqual([
      true,
      "ada",
    ])
  })

  it("keeps answering built-in effects in a body resumed by a user handler's non-tail Resume", () => {
    class Start extends Effect<number> {}
    const wrapping = handler(
      function* wrapping(_eff: Start, k) {
        const result = yield* Resume(k, 1)
        return `wrapped ${String(result)}`
      },
      { handles: [Start] },
    )
    const main = program(function* main() {
      const first = yield* new Start()
      yield* put("n", first)
      yield* tell("after resume")
      return yield* modify<number>("n", (n) => n + 1)
    })
    const w = writer()
    expect(run(withHandlers([state(), w, wrapping], main))).toBe("wrapped 2")
    expect(w.told).toEqual(["after resume"])
  })
})
