import { Effect, fn, handler, Pass, Resume, ResumeThrow, Transfer } from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { JournalEntry } from "../src/index.js"
import { runJournaled } from "../src/journal/session.js"

/** An outside effect whose fields say how the handler answers it. */
class Ask extends Effect<unknown> {
  constructor(readonly how: number) {
    super()
  }
}
/** The same without fields: its shape is its class. */
class Tick extends Effect<unknown> {}

type Answer =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "throw" | "resumeThrow" }
  | { readonly kind: "abort" }

const answer: fc.Arbitrary<Answer> = fc.oneof(
  fc.record({
    kind: fc.constant("value" as const),
    value: fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.constantFrom(-0, 2 ** 31, -(2 ** 31) - 1, 1_765_000_000_123, 0.5, undefined, null),
      fc.string(),
      fc.boolean(),
      fc.record({ a: fc.integer() }),
    ),
  }),
  fc.record({ kind: fc.constantFrom("throw" as const, "resumeThrow" as const) }),
  { arbitrary: fc.record({ kind: fc.constant("abort" as const) }), weight: 1 },
)

function outside(answers: readonly Answer[]) {
  let n = 0
  return handler(
    (eff: Ask | Tick, k) => {
      const a = answers[n++ % answers.length]!
      switch (a.kind) {
        case "value":
          return eff instanceof Tick ? Resume(k, a.value) : Transfer(k, a.value)
        case "throw":
          throw new RangeError(`refused ${n}`)
        case "resumeThrow":
          return ResumeThrow(k, new TypeError(`bad ${n}`))
        case "abort":
          return `aborted at ${n}`
      }
    },
    { handles: [Ask, Tick], name: "outside" },
  )
}

/** Passes every effect on: the answer comes from the handler outside it. */
const passer = handler(() => Pass(), { name: "passer" })

const asker = fn(function* asker(count: number) {
  const got: unknown[] = []
  for (let i = 0; i < count; i++) {
    try {
      got.push(yield* i % 3 === 0 ? new Tick() : new Ask(i))
    } catch (error) {
      got.push(`caught ${(error as Error).name}`)
    }
  }
  return got
})

/** `x` without the JS stacks of recorded errors (the two paths call the handler from different frames). */
function withoutStacks(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withoutStacks)
  if (x === null || typeof x !== "object") return x
  return Object.fromEntries(
    Object.entries(x).map(([key, v]) => [key, key === "stack" ? "…" : withoutStacks(v)]),
  )
}

describe("recording in memory", () => {
  it("makes the same journal as a recording whose entries go to a sink, whatever the handlers answer", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        async (answers, count) => {
          const inMemory = await runJournaled(asker(count), {
            handlers: [passer, outside(answers)],
          })
          const sunk: JournalEntry[] = []
          const throughSink = await runJournaled(asker(count), {
            handlers: [passer, outside(answers)],
            sink: (entry) => {
              sunk.push(entry)
            },
          })
          expect(inMemory.outcome.status).toBe(throughSink.outcome.status)
          expect(withoutStacks(inMemory.entries)).toEqual(withoutStacks(sunk))
          expect(throughSink.entries).toEqual(sunk)
          expect(sunk.length).toBeGreaterThanOrEqual(1)
        },
      ),
      { numRuns: 60 },
    )
  })
})
