// Handlers typed by what they answer and what they perform; withHandler/withHandlers and
// the built-in handlers subtract. Compiled by `pnpm run typecheck`; never run.
import {
  attempt,
  Ask as BuiltinAsk,
  defaultHandlers,
  type Get,
  get,
  type Log,
  listen,
  local,
  log,
  logger,
  type Modify,
  modify,
  type Put,
  put,
  reader,
  state,
  type Tell,
  tell,
  writer,
} from "@effvm/handlers"
import {
  type Continuation,
  Delegate,
  type Effect,
  type HandlerDef,
  handler,
  Pass,
  type Program,
  program,
  Resume,
  ResumeThrow,
  Transfer,
  TransferThrow,
  type Untracked,
  withHandler,
  withHandlers,
} from "@effvm/vm-core"
import { expectTypeOf } from "vitest"
import { Ask, Audit, FastTick, Ping, SlowTick, Tick, Tock } from "./effects.js"

const body = program(function* body() {
  const a = yield* new Ask<string>("a")
  const p = yield* new Ping()
  return a.length + p.length
})

// ── positive ──────────────────────────────────────────────────────────────────

// `handles` narrows eff and types k by the effect's answer.
const pong = handler(
  (eff, k) => {
    expectTypeOf(eff).toEqualTypeOf<Ping>()
    expectTypeOf(k).toEqualTypeOf<Continuation<string, unknown>>()
    return Transfer(k, "pong")
  },
  { handles: [Ping] },
)
expectTypeOf(pong).toEqualTypeOf<HandlerDef<Ping, never, never, unknown>>()

// Several classes: eff is their union.
handler(
  (eff, k) => {
    expectTypeOf(eff).toEqualTypeOf<Tick | Ping>()
    return Transfer(k, eff instanceof Tick ? 1 : "one")
  },
  { handles: [Tick, Ping] },
)

// withHandler removes what the handler answers.
expectTypeOf(withHandler(pong, body)).toEqualTypeOf<Program<number, Ask<string>>>()

// A generator handler adds what its own code performs.
const auditedPong = handler(
  function* auditedPong(_eff, k) {
    yield* new Audit("ping answered")
    return yield* Transfer(k, "pong")
  },
  { handles: [Ping] },
)
expectTypeOf(withHandler(auditedPong, body)).toEqualTypeOf<Program<number, Ask<string> | Audit>>()

// Effects a sub-program performs inside a handler's code count as the handler's own.
const auditTwice = program(function* auditTwice() {
  yield* new Audit("one")
  yield* new Audit("two")
})
const viaSub = handler(
  function* viaSub(_eff, k) {
    yield* auditTwice
    return yield* Transfer(k, "pong")
  },
  { handles: [Ping] },
)
expectTypeOf(withHandler(viaSub, pinger())).toEqualTypeOf<Program<number, Audit>>()
function pinger() {
  return program(function* pinger() {
    return (yield* new Ping()).length
  })
}

// yield* Resume(k, v) is the body's result, as k states it; the handler's return joins the result.
const doubling = handler(
  function* doubling(_eff, k: Continuation<number, number>) {
    const result = yield* Resume(k, 21)
    expectTypeOf(result).toEqualTypeOf<number>()
    return result * 2
  },
  { handles: [Tick] },
)
const tickBody = program(function* tickBody() {
  return (yield* new Tick()) + 1
})
expectTypeOf(withHandler(doubling, tickBody)).toEqualTypeOf<Program<number, never>>()

// yield* Delegate(k) is the effect's answer.
handler(
  function* upper(_eff, k) {
    const answer = yield* Delegate(k)
    expectTypeOf(answer).toEqualTypeOf<string>()
    return yield* Transfer(k, answer.toUpperCase())
  },
  { handles: [Ping] },
)

// ResumeThrow and TransferThrow take any error.
handler((_eff, k) => TransferThrow(k, new Error("denied")), { handles: [Tick] })
handler(
  function* strict(_eff, k: Continuation<number, string>) {
    const result = yield* ResumeThrow(k, new Error("denied"))
    expectTypeOf(result).toEqualTypeOf<string>()
    return result
  },
  { handles: [Tick] },
)

// A handler that aborts with a value adds that value's type to the result.
const fallback = handler(() => "no tick", { handles: [Tick] })
expectTypeOf(withHandler(fallback, tickBody)).toEqualTypeOf<Program<number | string, never>>()

// A catch-all handler answers nothing in the type ...
const catchAll = handler(function* catchAll(eff, k) {
  expectTypeOf(eff).toEqualTypeOf<Effect<unknown>>()
  if (eff instanceof Ping) return yield* Transfer(k, "pong")
  return yield* Pass()
})
expectTypeOf(withHandler(catchAll, body)).toEqualTypeOf<Program<number, Ask<string> | Ping>>()
// ... unless it names what it answers: the one-line form.
const namedCatchAll = handler<Ping>(function* namedCatchAll(eff, k) {
  if (eff instanceof Ping) return yield* Transfer(k, "pong")
  return yield* Pass()
})
expectTypeOf(withHandler(namedCatchAll, body)).toEqualTypeOf<Program<number, Ask<string>>>()
// ... and what its own code performs.
const namedPerformer = handler<Ping, Audit>(function* namedPerformer(eff, k) {
  yield* new Audit("saw an effect")
  if (eff instanceof Ping) return yield* Transfer(k, "pong")
  return yield* Pass()
})
expectTypeOf(withHandler(namedPerformer, body)).toEqualTypeOf<
  Program<number, Ask<string> | Audit>
>()

// Handlers built by factories keep their types.
const askFrom = (env: Record<string, string>) =>
  handler((eff, k) => Transfer(k, env[eff.key] as never), { handles: [Ask] })
expectTypeOf(withHandler(askFrom({ a: "x" }), body)).toEqualTypeOf<Program<number, Ping>>()

// withHandlers: the first outermost; each handler, from the innermost out, subtracts and adds.
expectTypeOf(withHandlers([askFrom({}), pong], body)).toEqualTypeOf<Program<number, never>>()
const auditor = handler((_eff, k) => Transfer(k, undefined), { handles: [Audit] })
expectTypeOf(withHandlers([auditor, auditedPong, askFrom({})], body)).toEqualTypeOf<
  Program<number, never>
>()
// the inner handler's effects go to the handlers outside it, not inside
expectTypeOf(withHandlers([auditedPong, auditor, askFrom({})], body)).toEqualTypeOf<
  Program<number, Audit>
>()

// Subclasses are answered by their parent's handler.
const ticks = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })
const subTicks = program(function* subTicks() {
  return (yield* new FastTick()) + (yield* new SlowTick())
})
expectTypeOf(withHandler(ticks, subTicks)).toEqualTypeOf<Program<number, never>>()

// Built-in handlers subtract what they answer.
const usesEverything = program(function* usesEverything() {
  const region = yield* new BuiltinAsk<string>("region")
  const count = yield* get<number>("count")
  yield* put("count", count + 1)
  yield* modify<number>("count", (n) => n * 2)
  yield* tell("told")
  yield* log("logged")
  return region
})
type Everything =
  | BuiltinAsk<string>
  | Get<number>
  | Put<number>
  | Modify<number>
  | Tell<string>
  | Log
expectTypeOf(usesEverything).toEqualTypeOf<Program<string, Everything>>()
expectTypeOf(withHandler(reader({ region: "eu" }), usesEverything)).toEqualTypeOf<
  Program<string, Exclude<Everything, BuiltinAsk<string>>>
>()
expectTypeOf(withHandler(state({ count: 1 }), usesEverything)).toEqualTypeOf<
  Program<string, BuiltinAsk<string> | Tell<string> | Log>
>()
expectTypeOf(withHandler(writer(), usesEverything)).toEqualTypeOf<
  Program<string, Exclude<Everything, Tell<string>>>
>()
expectTypeOf(withHandler(logger(), usesEverything)).toEqualTypeOf<
  Program<string, Exclude<Everything, Log>>
>()
expectTypeOf(withHandlers(defaultHandlers(), usesEverything)).toEqualTypeOf<
  Program<string, never>
>()
expectTypeOf(withHandlers([reader({}), state(), writer(), logger()], usesEverything)).toEqualTypeOf<
  Program<string, never>
>()

// local, listen and attempt keep their program's effects.
expectTypeOf(local({ region: "us" }, usesEverything)).toEqualTypeOf<Program<string, Everything>>()
expectTypeOf(listen(usesEverything)).toEqualTypeOf<Program<[string, unknown[]], Everything>>()
expectTypeOf(attempt(usesEverything)).toEqualTypeOf<
  Program<
    { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: unknown },
    Everything
  >
>()

// An untyped HandlerDef (the old annotation) answers everything it is given: untracked.
const old: HandlerDef = pong
expectTypeOf(withHandler(old, body)).toEqualTypeOf<Program<number, Untracked>>()

// ── negative ──────────────────────────────────────────────────────────────────

// @ts-expect-error Ping answers a string, not a number
handler((_eff, k) => Transfer(k, 42), { handles: [Ping] })
handler(
  function* wrongResume(_eff, k) {
    // @ts-expect-error Resume is checked against the answer type too
    return yield* Resume(k, 42)
  },
  { handles: [Ping] },
)
// @ts-expect-error Tick answers a number
handler((_eff, k) => Transfer(k, "one"), { handles: [Tick] })
// @ts-expect-error eff is narrowed to Ping: it has no `key`
handler((eff, k) => Transfer(k, eff.key), { handles: [Ping] })
handler(
  function* typedResult(_eff, k: Continuation<number, number>) {
    const result = yield* Resume(k, 1)
    // @ts-expect-error the body's result is a number
    const s: string = result
    return s
  },
  { handles: [Tick] },
)
handler(
  function* typedDelegate(_eff, k) {
    const answer = yield* Delegate(k)
    // @ts-expect-error Ping's answer is a string
    const n: number = answer
    return yield* Transfer(k, String(n))
  },
  { handles: [Ping] },
)
withHandler(
  // @ts-expect-error a handler that expects a number body does not wrap a string body
  doubling,
  program(function* strings() {
    yield* new Tick()
    return "s"
  }),
)
const tockBody = program(function* tockBody() {
  return yield* new Tock()
})
// @ts-expect-error answering Tick does not answer Tock, an effect of the same shape
const stillTock: Program<number, never> = withHandler(ticks, tockBody)
// @ts-expect-error reader answers Ask, not the state effects
const readerOnly: Program<string, Log | Tell<string>> = withHandler(reader({}), usesEverything)
// @ts-expect-error a catch-all without a name for what it answers removes nothing
const catchAllRemoves: Program<number, Ask<string>> = withHandler(catchAll, body)
// @ts-expect-error a handler's own effect is left for the handlers outside it
const auditGone: Program<number, Ask<string>> = withHandler(auditedPong, body)
// @ts-expect-error a catch-all naming what it answers must name what it performs
handler<Ping>(function* undeclared(_eff, k) {
  yield* new Audit("x")
  return yield* Transfer(k, "p")
})
// @ts-expect-error answering a subclass does not answer its parent
const parentLeft: Program<number, never> = withHandler(
  handler((_e, k) => Transfer(k, 1), { handles: [SlowTick] }),
  tickBody,
)
// @ts-expect-error local keeps the Ask it may pass outward
const localAnswers: Program<string, Exclude<Everything, BuiltinAsk<string>>> = local(
  {},
  usesEverything,
)

export { auditGone, catchAllRemoves, localAnswers, parentLeft, readerOnly, stillTock }
