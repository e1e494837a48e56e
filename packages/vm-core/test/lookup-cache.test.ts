import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Effect, fn, handler, Pass, Resume, run, withHandlers, type Yielded } from "../src/index.js"

// The handler lookup caches two answers per prompt (docs/architecture.md). Whatever order
// effects come in, each must be answered by the innermost handler that takes it.

class A extends Effect<number> {}
class B extends Effect<number> {}
class C extends Effect<number> {}
const classes = [A, B, C] as const

interface HandlerSpec {
  /** Indexes into `classes` of the effects it declares. */
  readonly handles: readonly number[]
  /** Declines everything with `Pass()` from its function instead of declaring `handles`. */
  readonly passesOthers: boolean
}

/** The handler's answer is its own position, so the body sees who answered. */
function makeHandler(spec: HandlerSpec, position: number) {
  const declared = spec.handles.map((i) => classes[i]!)
  if (!spec.passesOthers) return handler((_eff, k) => Resume(k, position), { handles: declared })
  return handler((eff, k) =>
    declared.some((c) => eff instanceof c) ? Resume(k, position) : Pass(),
  )
}

/** Position (outermost first) of the innermost handler taking effect class `cls`, or -1. */
function expectedAnswer(specs: readonly HandlerSpec[], cls: number): number {
  for (let i = specs.length - 1; i >= 0; i--) if (specs[i]!.handles.includes(cls)) return i
  return -1
}

const performAll = fn(function* performAll(
  sequence: readonly number[],
): Generator<Yielded, number[], number> {
  const answers: number[] = []
  for (const cls of sequence) answers.push(yield* new classes[cls]!())
  return answers
})

const specArb = fc.record({
  handles: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }),
  passesOthers: fc.boolean(),
})

describe("handler lookup cache", () => {
  it("answers every effect of any interleaving from the innermost handler that takes it", () => {
    fc.assert(
      fc.property(
        fc.array(specArb, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 30 }),
        (specs, sequence) => {
          // A catch-all outermost handler answers -1, so every perform is answered.
          const outermost = handler((_eff, k) => Resume(k, -1))
          const handlers = [outermost, ...specs.map((s, i) => makeHandler(s, i))]
          const answers = run(withHandlers(handlers, performAll(sequence)))
          expect(answers).toEqual(sequence.map((cls) => expectedAnswer(specs, cls)))
        },
      ),
      { numRuns: 300 },
    )
  })
})
