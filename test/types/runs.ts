// run, runAsync, runOutcome, runOutcomeAsync and createVM accept a program only when its
// effects are answered (by itself or the `handlers` option). Compiled by
// `pnpm run typecheck`; never run.
import { ask, defaultHandlers, log, reader, state } from "@effvm/handlers"
import {
  createVM,
  handler,
  type Program,
  program,
  pure,
  type RunOptions,
  type RunOutcome,
  run,
  runAsync,
  runOutcome,
  runOutcomeAsync,
  Transfer,
  untracked,
  type VM,
  withHandler,
} from "@effvm/vm-core"
import { expectTypeOf } from "vitest"
import { Audit, Ping, Tick } from "./effects.js"

const pings = program(function* pings() {
  return (yield* new Ping()).length
})
const pong = handler((_eff, k) => Transfer(k, "pong"), { handles: [Ping] })
const ticks = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })
const auditedPong = handler(
  function* auditedPong(_eff, k) {
    yield* new Audit("ping")
    return yield* Transfer(k, "pong")
  },
  { handles: [Ping] },
)
const audits = handler((_eff, k) => Transfer(k, undefined), { handles: [Audit] })

// ── positive ──────────────────────────────────────────────────────────────────

// A program that performs nothing runs, and every run function gives its value type.
expectTypeOf(run(pure(1))).toEqualTypeOf<number>()
expectTypeOf(runAsync(pure("a"))).toEqualTypeOf<Promise<string>>()
expectTypeOf(runOutcome(pure(true))).toEqualTypeOf<RunOutcome<boolean>>()
expectTypeOf(runOutcomeAsync(pure(1n))).toEqualTypeOf<Promise<RunOutcome<bigint>>>()
expectTypeOf(createVM(pure(1))).toEqualTypeOf<VM<number>>()

// Answered by a handler around it.
expectTypeOf(run(withHandler(pong, pings))).toEqualTypeOf<number>()

// Answered by the `handlers` option, in every run function.
expectTypeOf(run(pings, { handlers: [pong] })).toEqualTypeOf<number>()
expectTypeOf(runAsync(pings, { handlers: [pong] })).toEqualTypeOf<Promise<number>>()
expectTypeOf(runOutcome(pings, { handlers: [pong] })).toEqualTypeOf<RunOutcome<number>>()
expectTypeOf(runOutcomeAsync(pings, { handlers: [pong] })).toEqualTypeOf<
  Promise<RunOutcome<number>>
>()
expectTypeOf(createVM(pings, { handlers: [pong] })).toEqualTypeOf<VM<number>>()

// The option's handlers compose as withHandlers does: the first outermost.
run(pings, { handlers: [audits, auditedPong] })
run(pings, { handlers: [ticks, audits, auditedPong], trace: "none" })

// Built-in handlers in the option.
const configured = program(function* configured() {
  const region = yield* ask<string>("region")
  yield* log("configured", region)
  return region
})
run(configured, { handlers: defaultHandlers({ env: { region: "eu" } }) })

// A list typed as an array (not a tuple) is applied as a whole.
const list: (typeof pong | typeof ticks)[] = [pong, ticks]
run(pings, { handlers: list })

// Options passed through a RunOptions variable (no handler types): accepted, as before.
function runWith<T>(p: Program<T>, options: RunOptions) {
  return run(p, options)
}
expectTypeOf(runWith(pings, {})).toEqualTypeOf<number>()

// The escape hatches: untracked(), Program<T>.
run(untracked(pings))
const plain: Program<number> = pings
run(plain)
run(pings as Program<number>)

// A run function's type parameters can be instantiated with T alone.
type Runner<T> = typeof run<T>
expectTypeOf<ReturnType<Runner<number>>>().toEqualTypeOf<number>()

// ── negative ──────────────────────────────────────────────────────────────────

// @ts-expect-error Ping is unhandled: the message names it ("unhandled effects": Ping)
run(pings)
// @ts-expect-error in runAsync as well
void runAsync(pings)
// @ts-expect-error in runOutcome as well
runOutcome(pings)
// @ts-expect-error in runOutcomeAsync as well
void runOutcomeAsync(pings)
// @ts-expect-error in createVM as well
createVM(pings)
// @ts-expect-error a handler for another effect does not answer it
run(pings, { handlers: [ticks] })
// @ts-expect-error the handler's own Audit is left: nothing outside it answers Audit
run(pings, { handlers: [auditedPong] })
// @ts-expect-error order matters: a handler inside auditedPong does not see its Audit
run(pings, { handlers: [auditedPong, audits] })
// @ts-expect-error reader answers Ask, not Ping
run(pings, { handlers: [reader({})] })
// @ts-expect-error state answers Get/Put/Modify, not Ping
run(withHandler(state(), pings))
const outer = program(function* outer() {
  return yield* pings
})
// @ts-expect-error a wrapped program still owes its inner effects
run(outer)

export { plain }
