/**
 * C6, `parsing_dollars` of the community effect-handlers benchmark suite: a parser reads
 * characters with `Read`, counts the dollars of each line, emits the count at each newline
 * with `Emit`, and stops with `Stop` at the first other character. The input is simulated:
 * n lines, line i holding i dollars, then a character that is neither (characters are
 * numbers). Three handlers: the feed answers `Read`, a summing handler `Emit`, and an
 * aborting one `Stop` (non-local exit). The checksum is the sum of the counts, n(n + 1)/2.
 * Unit: ms for the whole parse (n(n + 3)/2 characters read).
 */
import { Effect as Eff, fn, handler, Resume, run, withHandlers } from "@effvm/vm-core"
import { Context, Effect } from "effect"
import { fasterThanEffect } from "../targets.js"
import type { Case, Workload } from "../types.js"

const DOLLAR = 36
const NEWLINE = 10
const END = 0

/** The simulated file: line i (1..n) has i dollars and a newline, then END. */
class Feed {
  private line = 1
  private column = 0
  constructor(private readonly lines: number) {}
  next(): number {
    if (this.line > this.lines) return END
    if (this.column < this.line) {
      this.column++
      return DOLLAR
    }
    this.line++
    this.column = 0
    return NEWLINE
  }
}

class Read extends Eff<number> {}
class Emit extends Eff<void> {
  constructor(readonly value: number) {
    super()
  }
}
class Stop extends Eff<never> {}

const parse = fn(function* parse() {
  let dollars = 0
  for (;;) {
    const c = yield* new Read()
    if (c === DOLLAR) dollars++
    else if (c === NEWLINE) {
      yield* new Emit(dollars)
      dollars = 0
    } else return yield* new Stop()
  }
})

function parseDollars(n: number): number {
  const feed = new Feed(n)
  let sum = 0
  const reading = handler((_eff: Read, k) => Resume(k, feed.next()), { handles: [Read] })
  const summing = handler(
    (eff: Emit, k) => {
      sum += eff.value
      return Resume(k, undefined)
    },
    { handles: [Emit] },
  )
  const stopping = handler(() => undefined, { handles: [Stop] })
  run(withHandlers([summing, stopping, reading], parse()))
  return sum
}

/** Effect-TS: `Read` and `Emit` are services; `Stop` is a failure caught outside. */
class Reader extends Context.Service<Reader, { readonly read: Effect.Effect<number> }>()(
  "bench/C6Reader",
) {}
class Emitter extends Context.Service<Emitter, { emit(value: number): Effect.Effect<void> }>()(
  "bench/C6Emitter",
) {}
class Stopped {}

const effectParse = Effect.gen(function* () {
  const input = yield* Reader
  const out = yield* Emitter
  let dollars = 0
  for (;;) {
    const c = yield* input.read
    if (c === DOLLAR) dollars++
    else if (c === NEWLINE) {
      yield* out.emit(dollars)
      dollars = 0
    } else return yield* Effect.fail(new Stopped())
  }
})

function effectParseDollars(n: number): number {
  const feed = new Feed(n)
  let sum = 0
  const reader: Reader["Service"] = { read: Effect.sync(() => feed.next()) }
  const emitter: Emitter["Service"] = {
    emit: (value) =>
      Effect.sync(() => {
        sum += value
      }),
  }
  const stopped = Effect.catch(effectParse, () => Effect.void)
  Effect.runSync(
    Effect.provideService(Effect.provideService(stopped, Reader, reader), Emitter, emitter),
  )
  return sum
}

/** The floor: a generator yields the three operations; its driver answers them. */
class FloorRead {}
class FloorEmit {
  constructor(readonly value: number) {}
}
class FloorStop {}
function* floorParse(): Generator<FloorRead | FloorEmit | FloorStop, void, number> {
  let dollars = 0
  for (;;) {
    const c = yield new FloorRead()
    if (c === DOLLAR) dollars++
    else if (c === NEWLINE) {
      yield new FloorEmit(dollars)
      dollars = 0
    } else yield new FloorStop()
  }
}
function floorParseDollars(n: number): number {
  const feed = new Feed(n)
  let sum = 0
  const gen = floorParse()
  for (let r = gen.next(0); !r.done; ) {
    const eff = r.value
    if (eff instanceof FloorRead) r = gen.next(feed.next())
    else if (eff instanceof FloorEmit) {
      sum += eff.value
      r = gen.next(0)
    } else {
      gen.return()
      break
    }
  }
  return sum
}

const cases: Case[] = [
  { runtime: "floor", variant: "", label: "generator + driver", run: floorParseDollars },
  { runtime: "effvm", variant: "", label: "three fast-path handlers", run: parseDollars },
  {
    runtime: "effect",
    variant: "",
    label: "reader and emitter services, fail + catch",
    run: effectParseDollars,
  },
]

export const workload: Workload = {
  id: "C6",
  title: "parsing_dollars: count the dollars of each line through Read/Emit/Stop",
  metric: { kind: "total-ms" },
  sizes: [2_000],
  smokeSizes: [20],
  expected: (n) => (n * (n + 1)) / 2,
  cases,
  targets: [fasterThanEffect("C6")],
}
