/**
 * C8, `handler_sieve` of the community effect-handlers benchmark suite: the sum of the
 * primes below n by trial division, the primes found so far kept as nested handlers of a
 * `Prime(e)` effect. The outermost handler answers true; each prime p found installs,
 * around the rest of the search, a handler that answers false when p divides e and
 * otherwise declines (`Pass()`: the next outer handler decides). A prime's query crosses
 * every handler: a statically unbounded stack of handlers. Unit: ms for the whole sieve.
 */
import {
  Effect as Eff,
  fn,
  handler,
  Pass,
  type ProgramGenerator,
  Resume,
  run,
  withHandler,
} from "@effvm/vm-core"
import { Context, Effect } from "effect"
import { fasterThanEffect } from "../targets.js"
import type { Case, Workload } from "../types.js"

class Prime extends Eff<boolean> {
  constructor(readonly e: number) {
    super()
  }
}

const allPrime = handler((_eff: Prime, k) => Resume(k, true), { handles: [Prime] })
const notDivisibleBy = (p: number) =>
  handler((eff: Prime, k) => (eff.e % p === 0 ? Resume(k, false) : Pass()), { handles: [Prime] })

const primes = fn(function* primesFrom(
  i: number,
  n: number,
  sum: number,
): ProgramGenerator<number> {
  for (; i < n; i++) {
    if (yield* new Prime(i)) return yield* withHandler(notDivisibleBy(i), primes(i + 1, n, sum + i))
  }
  return sum
})

/** Effect-TS: the handler is a service; each prime provides one that asks the outer one. */
class Primality extends Context.Service<
  Primality,
  { isPrime(e: number): Effect.Effect<boolean> }
>()("bench/C8Primality") {}

const effectPrimes = (i: number, n: number, sum: number): Effect.Effect<number, never, Primality> =>
  Effect.gen(function* () {
    for (; i < n; i++) {
      const outer = yield* Primality
      if (yield* outer.isPrime(i)) {
        const p = i
        const inner: Primality["Service"] = {
          isPrime: (e) => (e % p === 0 ? Effect.succeed(false) : outer.isPrime(e)),
        }
        return yield* Effect.provideService(effectPrimes(p + 1, n, sum + p), Primality, inner)
      }
    }
    return sum
  })

const effectSieve = (n: number): number =>
  Effect.runSync(
    Effect.provideService(effectPrimes(2, n, 0), Primality, {
      isPrime: () => Effect.succeed(true),
    }),
  )

/** The floor: a generator asks with `FloorPrime` and adds a divisor with `FloorFound`. */
class FloorPrime {
  constructor(readonly e: number) {}
}
class FloorFound {
  constructor(readonly p: number) {}
}
function* floorPrimes(n: number): Generator<FloorPrime | FloorFound, number, boolean> {
  let sum = 0
  for (let i = 2; i < n; i++) {
    if (yield new FloorPrime(i)) {
      sum += i
      yield new FloorFound(i)
    }
  }
  return sum
}
/** The driver keeps the handlers innermost last and scans them, each one may decline. */
function floorSieve(n: number): number {
  const handlers: ((e: number) => boolean | undefined)[] = []
  const gen = floorPrimes(n)
  let r = gen.next(false)
  while (!r.done) {
    const eff = r.value
    if (eff instanceof FloorFound) {
      const p = eff.p
      handlers.push((e) => (e % p === 0 ? false : undefined))
      r = gen.next(false)
      continue
    }
    let answer = true
    for (let h = handlers.length - 1; h >= 0; h--) {
      const a = handlers[h]!(eff.e)
      if (a !== undefined) {
        answer = a
        break
      }
    }
    r = gen.next(answer)
  }
  return r.value
}

function primeSum(n: number): number {
  const composite = new Uint8Array(n)
  let sum = 0
  for (let i = 2; i < n; i++) {
    if (composite[i] === 1) continue
    sum += i
    for (let j = i * i; j < n; j += i) composite[j] = 1
  }
  return sum
}

const cases: Case[] = [
  { runtime: "floor", variant: "", label: "generator + scanned handler array", run: floorSieve },
  {
    runtime: "effvm",
    variant: "",
    label: "nested fast-path handlers, Pass()",
    run: (n) => run(withHandler(allPrime, primes(2, n, 0))),
  },
  {
    runtime: "effect",
    variant: "",
    label: "nested services calling the outer one",
    run: effectSieve,
  },
]

export const workload: Workload = {
  id: "C8",
  title: "handler_sieve: primes below n, one nested handler per prime",
  metric: { kind: "total-ms" },
  sizes: [10_000],
  smokeSizes: [100],
  expected: primeSum,
  cases,
  targets: [fasterThanEffect("C8")],
}
