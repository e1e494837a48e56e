// Scheduler effects: scheduled answers them all; spawn and the joins carry their programs'
// effects into the caller's. Interop bridges. Compiled by `pnpm run typecheck`; never run.
import { ask, type Ask as BuiltinAsk, reader } from "@effvm/handlers"
import { attemptEither, fromEffect, fromEither, toEffect } from "@effvm/interop"
import {
  any,
  cancel,
  cancelScope,
  createPromise,
  every,
  gather,
  gatherN,
  gatherSettled,
  race,
  type SchedulerEffect,
  type Settled,
  scheduled,
  sleep,
  spawn,
  type Task,
  wait,
} from "@effvm/scheduler"
import {
  type Effect as EffvmEffect,
  handler,
  type Program,
  program,
  run,
  Transfer,
  withHandler,
} from "@effvm/vm-core"
import * as Effect from "effect/Effect"
import * as E from "fp-ts/Either"
import { expectTypeOf } from "vitest"
import { Audit, Ping, Tick } from "./effects.js"

type Sched = SchedulerEffect<unknown, EffvmEffect<unknown>>
/** A program's effects apart from the scheduler's own (one per operation's answer type). */
type NonScheduler<P> = P extends Program<unknown, infer E> ? Exclude<E, Sched> : never
/** Whether a program performs some scheduler effect. */
type Schedules<P> =
  P extends Program<unknown, infer E> ? (Extract<E, Sched> extends never ? false : true) : false

const pings = program(function* pings() {
  return (yield* new Ping()).length
})
const ticks = program(function* ticks() {
  return yield* new Tick()
})
const pong = handler((_eff, k) => Transfer(k, "pong"), { handles: [Ping] })
const tock = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })

// ── positive ──────────────────────────────────────────────────────────────────

// A scheduler operation is a scheduler effect; scheduled answers every one.
const napper = program(function* napper() {
  yield* sleep(10)
  const p = yield* createPromise<number>()
  expectTypeOf(p).not.toBeNever()
  return "rested"
})
expectTypeOf<NonScheduler<typeof napper>>().toEqualTypeOf<never>()
expectTypeOf<Schedules<typeof napper>>().toEqualTypeOf<true>()
expectTypeOf(scheduled(napper)).toEqualTypeOf<Program<string, never>>()
expectTypeOf(run(scheduled(napper))).toEqualTypeOf<string>()

// spawn carries the task's effects; wait gives the task's value.
const spawner = program(function* spawner() {
  const task = yield* spawn(pings)
  expectTypeOf(task).toEqualTypeOf<Task<number>>()
  return yield* wait(task)
})
expectTypeOf<NonScheduler<typeof spawner>>().toEqualTypeOf<Ping>()
expectTypeOf<Schedules<typeof spawner>>().toEqualTypeOf<true>()
expectTypeOf(scheduled(spawner)).toEqualTypeOf<Program<number, Ping>>()
// the handlers in scope at the spawn answer the task's effects, inside or outside scheduled
run(withHandler(pong, scheduled(spawner)))
run(scheduled(withHandler(pong, spawner)))

// gather, gatherSettled, race, any, gatherN: results typed, programs' effects carried.
const joins = program(function* joins() {
  const [n, t] = yield* gather(pings, ticks)
  expectTypeOf(n).toEqualTypeOf<number>()
  expectTypeOf(t).toEqualTypeOf<number>()
  const settled = yield* gatherSettled(pings)
  expectTypeOf(settled).toEqualTypeOf<[Settled<number>]>()
  const first = yield* race(pings, ticks)
  const some = yield* any(pings)
  const quorum = yield* gatherN(1, ticks)
  return n + t + first + some + quorum.length
})
expectTypeOf<NonScheduler<typeof joins>>().toEqualTypeOf<Ping | Tick>()
expectTypeOf<Schedules<typeof joins>>().toEqualTypeOf<true>()
run(withHandler(tock, withHandler(pong, scheduled(joins))))

// Arrays of programs (built at runtime) keep their effects.
const fleet = [1, 2, 3].map((i) =>
  program(function* member() {
    yield* new Audit(`member ${i}`)
    return i
  }),
)
const fleetRun = program(function* fleetRun() {
  const all = yield* gather(...fleet)
  expectTypeOf(all).toEqualTypeOf<number[]>()
  return yield* race(...fleet)
})
expectTypeOf<NonScheduler<typeof fleetRun>>().toEqualTypeOf<Audit>()
expectTypeOf<Schedules<typeof fleetRun>>().toEqualTypeOf<true>()

// every and cancelScope carry theirs too; cancel is a scheduler effect.
const periodic = program(function* periodic() {
  const sensor = yield* every(10, ticks)
  yield* cancel(sensor)
  const scoped = yield* cancelScope(function* (scope) {
    yield* new Ping()
    yield* cancel(scope)
    return 1
  })
  return scoped.cancelled
})
expectTypeOf<NonScheduler<typeof periodic>>().toEqualTypeOf<Tick | Ping>()
expectTypeOf<Schedules<typeof periodic>>().toEqualTypeOf<true>()

// Interop: fromEffect, fromEither perform nothing of their own; attemptEither keeps E.
const bridged = program(function* bridged() {
  const a = yield* fromEffect(Effect.succeed(20))
  const b = yield* fromEither(E.right(22))
  return a + b
})
expectTypeOf(bridged).toEqualTypeOf<Program<number, never>>()
expectTypeOf(attemptEither(pings)).toEqualTypeOf<Program<E.Either<unknown, number>, Ping>>()
// toEffect runs under a scheduler with the given handlers: they must answer the rest.
const region = program(function* region() {
  yield* sleep(1)
  return yield* ask<string>("region")
})
expectTypeOf(toEffect(region, { handlers: [reader({ region: "eu" })] })).toEqualTypeOf<
  Effect.Effect<string, unknown>
>()

// ── negative ──────────────────────────────────────────────────────────────────

// @ts-expect-error a scheduler effect needs scheduled(...)
run(napper)
// @ts-expect-error scheduled answers the scheduler, not the task's Ping
run(scheduled(spawner))
// @ts-expect-error the gathered programs' Tick is left
run(withHandler(pong, scheduled(joins)))
// @ts-expect-error a runtime-built array keeps its Audit
run(scheduled(fleetRun))
// @ts-expect-error toEffect without the reader leaves Ask
toEffect(region)
// @ts-expect-error a spawned task's value type is its program's
const wrongTask: Program<Task<string>, Sched | Ping> = program(function* () {
  return yield* spawn(pings)
})
// @ts-expect-error a cancelScope body's effects are carried
const scopeFree: Program<unknown, Sched> = periodic

export type { BuiltinAsk }
export { scopeFree, wrongTask }
