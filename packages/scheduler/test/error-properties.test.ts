// Properties of errors crossing tasks and of errors settled at their origin.

import {
  Effect,
  fn,
  GetExecutionContext,
  getExecutionContext,
  handler,
  Pass,
  type Program,
  program,
  ResumeThrow,
  run,
  Transfer,
  TransferThrow,
  withHandler,
  withHandlers,
  type Yielded,
} from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  any,
  gather,
  gatherN,
  gatherSettled,
  race,
  sleep,
  spawn,
  type Task,
  wait,
} from "../src/index.js"
import { runVirtual, thrownBy } from "./helpers.js"

class Unanswered extends Effect<void> {}
class HandlerFails extends Effect<void> {}
class ThrownBack extends Effect<void> {}
class TransferredBack extends Effect<void> {}
class Note extends Effect<void> {}

type Origin =
  | "throw"
  | "unhandled"
  | "fast-handler"
  | "gen-handler"
  | "resume-throw"
  | "transfer-throw"
const origins: readonly Origin[] = [
  "throw",
  "unhandled",
  "fast-handler",
  "gen-handler",
  "resume-throw",
  "transfer-throw",
]

/** Handlers that raise errors at a perform site, each in its own way. */
const raisers = [
  handler(
    (eff) => {
      if (eff instanceof HandlerFails) throw new Error("fast handler failed")
      return Pass()
    },
    { name: "fastRaiser" },
  ),
  handler(function* genRaiser(eff, k) {
    if (eff instanceof Note) return yield* Transfer(k, undefined)
    if (eff instanceof ThrownBack) return yield* ResumeThrow(k, new Error("resumed with a throw"))
    if (eff instanceof TransferredBack)
      return yield* TransferThrow(k, new Error("transferred with a throw"))
    return yield* Pass()
  }),
]

class GenHandlerFails extends Effect<void> {}
const genFailing = handler(function* genFailing(eff, _k) {
  if (!(eff instanceof GenHandlerFails)) return yield* Pass()
  throw new Error("generator handler failed")
})

/** Raises an error of the given origin. */
function* raise(origin: Origin): Generator<Yielded, void, unknown> {
  switch (origin) {
    case "throw":
      throw new Error("thrown by the program")
    case "unhandled":
      return yield* new Unanswered()
    case "fast-handler":
      return yield* new HandlerFails()
    case "gen-handler":
      return yield* new GenHandlerFails()
    case "resume-throw":
      return yield* new ThrownBack()
    case "transfer-throw":
      return yield* new TransferredBack()
  }
}

/** A chain of `depth` frames, each with a finally that performs an effect when `noisy`. */
function unwinding(origin: Origin, layers: readonly boolean[]): Program<void> {
  let body: Program<void> = program(function* origin_() {
    yield* raise(origin)
  })
  layers.forEach((noisy, i) => {
    const inner = body
    body = fn(function* layer(_depth: number): Generator<Yielded, void, unknown> {
      try {
        yield* inner
      } finally {
        if (noisy) yield* new Note()
      }
    })(i)
  })
  return body
}

type Join = (t: Task<void>) => Generator<Yielded, unknown, unknown>
const joinsByName: Record<string, Join> = {
  wait: function* (t) {
    return yield* wait(t)
  },
  gather: function* (t) {
    return yield* gather(t)
  },
  gatherSettled: function* (t) {
    return yield* gatherSettled(t)
  },
  race: function* (t) {
    return yield* race(
      t,
      yield* spawn(
        program(function* slow() {
          yield* sleep(1_000)
        }),
      ),
    )
  },
  any: function* (t) {
    return yield* any(t)
  },
  gatherN: function* (t) {
    return yield* gatherN(1, t)
  },
}

/** The error a join observed of the failing task, however it delivered it. */
function observed(result: unknown, thrown: unknown): unknown {
  if (Array.isArray(result)) {
    const first = result[0] as { ok: boolean; error?: unknown }
    return first.error
  }
  return thrown instanceof AggregateError ? thrown.errors[0] : thrown
}

/** The context entries of an error, as plain comparable data. */
function contextOf(error: unknown): unknown[] {
  return (getExecutionContext(error)?.entries ?? []).map((e) => ({ ...e }))
}

describe("error properties", () => {
  it("an error's execution context is the same whatever join observes the failing task", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...origins),
        fc.array(fc.boolean(), { maxLength: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (origin, layers, delay) => {
          const contexts = Object.entries(joinsByName).map(([, join]) => {
            let result: unknown
            let thrown: unknown
            try {
              result = runVirtual(
                withHandlers(
                  [...raisers, genFailing],
                  program(function* main() {
                    const failing = yield* spawn(
                      program(function* failingTask() {
                        yield* sleep(delay)
                        yield* unwinding(origin, layers)
                      }),
                      { name: "failing" },
                    )
                    return yield* join(failing)
                  }),
                ),
              )
            } catch (error) {
              thrown = error
            }
            return contextOf(observed(result, thrown))
          })
          for (const context of contexts) expect(context).toEqual(contexts[0])
          expect(contexts[0]!.some((e) => (e as { name?: unknown }).name === "failing")).toBe(true)
        },
      ),
      { numRuns: 60 },
    )
  })

  it("an error not converted at its origin is never converted", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...origins.filter((o) => o !== "throw")),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        (origin, layers) => {
          const seen: unknown[] = []
          const enricher = handler(function* enricher(eff, k) {
            if (eff instanceof Note) return yield* Transfer(k, undefined)
            if (!(eff instanceof GetExecutionContext)) return yield* Pass()
            seen.push(eff.error)
            eff.context.add({ kind: "enriched" })
            return yield* Transfer(k, eff.context)
          })
          const error = thrownBy(() =>
            run(
              withHandler(
                enricher,
                withHandlers([...raisers, genFailing], unwinding(origin, layers)),
              ),
            ),
          )
          expect(error).toBeInstanceOf(Error)
          expect(seen).toEqual([])
          expect(getExecutionContext(error)).toBeUndefined()
        },
      ),
      { numRuns: 80 },
    )
  })
})
