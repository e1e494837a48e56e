// Effects of identical shape stay distinct: the identity line, and every built-in effect
// carries it. Compiled by `pnpm run typecheck`; never run.
import { type Ask, Get, type Log, type Modify, Put, type Tell } from "@effvm/handlers"
import type { SchedulerEffect } from "@effvm/scheduler"
import { type AwaitExternal, Effect, type GetExecutionContext } from "@effvm/vm-core"
import { expectTypeOf } from "vitest"
import { Anonymous, type FastTick, type SlowTick, Tick, Tock } from "./effects.js"

// ── positive ──────────────────────────────────────────────────────────────────

// Two classes of the same shape with the identity line are two types.
expectTypeOf<Exclude<Tick | Tock, Tick>>().toEqualTypeOf<Tock>()
expectTypeOf<Exclude<Tick | Tock, Tock>>().toEqualTypeOf<Tick>()
// A subclass is its parent's (answered by its parent's handler) ...
expectTypeOf<Exclude<FastTick | Tock, Tick>>().toEqualTypeOf<Tock>()
// ... and with the line of its own, the parent is not the subclass.
expectTypeOf<Exclude<Tick | SlowTick, SlowTick>>().toEqualTypeOf<Tick>()

// Built-in effects of overlapping shapes: each is its own.
type Builtins = Ask<unknown> | Get<unknown> | Put<unknown> | Modify<unknown> | Tell<unknown> | Log
expectTypeOf<Exclude<Builtins, Ask<unknown>>>().toEqualTypeOf<
  Get<unknown> | Put<unknown> | Modify<unknown> | Tell<unknown> | Log
>()
expectTypeOf<Exclude<Builtins, Get<unknown>>>().toEqualTypeOf<
  Ask<unknown> | Put<unknown> | Modify<unknown> | Tell<unknown> | Log
>()
expectTypeOf<Exclude<Builtins, Tell<unknown>>>().toEqualTypeOf<
  Ask<unknown> | Get<unknown> | Put<unknown> | Modify<unknown> | Log
>()
// vm-core's and the scheduler's are distinct from each other and from the handlers'.
type Core = AwaitExternal<unknown> | GetExecutionContext | SchedulerEffect<unknown>
expectTypeOf<Exclude<Core | Builtins, SchedulerEffect<unknown>>>().toEqualTypeOf<
  AwaitExternal<unknown> | GetExecutionContext | Builtins
>()

// An effect class written the one-line way, its answer type kept.
class Weather extends Effect<number> {
  declare protected readonly effectIdentity: unknown
}
class Humidity extends Effect<number> {
  declare protected readonly effectIdentity: unknown
}
expectTypeOf<Exclude<Weather | Humidity, Weather>>().toEqualTypeOf<Humidity>()

// ── negative ──────────────────────────────────────────────────────────────────

// @ts-expect-error a Tock is not a Tick
const tickFromTock: Tick = new Tock()
// @ts-expect-error nor the other way
const tockFromTick: Tock = new Tick()
// @ts-expect-error a Get is not an Ask, though both carry a key
const askFromGet: Ask<string> = new Get<string>("k")
// @ts-expect-error a Put is not a Tell, though both carry a value
const tellFromPut: Tell<string> = new Put<string>("k", "v")
// @ts-expect-error a parent is not a subclass with its own identity
const slowFromTick: SlowTick = new Tick()
// @ts-expect-error without the line, a fieldless class is as good as any Effect<number>: not a Tick
const tickFromAnonymous: Tick = new Anonymous()
// @ts-expect-error answer types stay apart
const weatherOfString: Effect<string> = new Weather()

export {
  askFromGet,
  slowFromTick,
  tellFromPut,
  tickFromAnonymous,
  tickFromTock,
  tockFromTick,
  weatherOfString,
}
