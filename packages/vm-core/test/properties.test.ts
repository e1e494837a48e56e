import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type Continuation,
  ContinuationError,
  type Control,
  Effect,
  fn,
  type HandlerDef,
  handler,
  Pass,
  Resume,
  ResumeThrow,
  run,
  Transfer,
  TransferThrow,
  UnhandledEffectError,
  withHandlers,
  type Yielded,
} from "../src/index.js"

const NUM_RUNS = 200

/** The one effect the random handlers answer. */
class Op extends Effect<number> {}

/** The error a handler throws at the perform site with ResumeThrow / TransferThrow. */
class HandlerThrew extends Error {}

// ---------------------------------------------------------------------------------------
// Property 1: every finally runs exactly once, whatever the handlers do.

type Choice = "resume" | "transfer" | "abort" | "resumeThrow" | "pass"

interface RandomHandler {
  /** What the handler does with the 1st, 2nd, … effect it receives (cyclically). */
  readonly choices: readonly Choice[]
  /** A plain function returning a control (no frame, no finally) or a generator handler. */
  readonly fastPath: boolean
  /** Whether a generator handler's finally performs an effect (answered by outer handlers). */
  readonly finallyPerforms: boolean
}

interface Level {
  readonly performsBefore: number
  readonly performsAfter: number
  /** Whether this level's try/catch swallows errors coming up through it. */
  readonly catches: boolean
  /** Whether this level's finally performs an effect itself. */
  readonly finallyPerforms: boolean
}

interface Scenario {
  /** Outermost first, as withHandlers takes them. */
  readonly handlers: readonly RandomHandler[]
  /** levels[0] is the outermost sub-program of the body. */
  readonly levels: readonly Level[]
}

interface Counters {
  /** How many times each level's body started (0 when an error came before it was called). */
  readonly bodyEntered: number[]
  readonly bodyFinally: number[]
  readonly handlerCalls: number[]
  readonly handlerFinally: number[]
}

const choiceArb = fc.constantFrom<Choice>("resume", "transfer", "abort", "resumeThrow", "pass")

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  handlers: fc.array(
    fc.record({
      choices: fc.array(choiceArb, { minLength: 1, maxLength: 6 }),
      fastPath: fc.boolean(),
      finallyPerforms: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  levels: fc.array(
    fc.record({
      performsBefore: fc.nat({ max: 2 }),
      performsAfter: fc.nat({ max: 2 }),
      catches: fc.boolean(),
      finallyPerforms: fc.boolean(),
    }),
    { minLength: 1, maxLength: 5 },
  ),
})

function fastControl(choice: Choice, k: Continuation<unknown>): Control<unknown> | number {
  switch (choice) {
    case "resume":
      return Resume(k, 1)
    case "transfer":
      return Transfer(k, 1)
    case "abort":
      return -100
    case "resumeThrow":
      return TransferThrow(k, new HandlerThrew("fast handler threw"))
    case "pass":
      return Pass()
  }
}

function randomHandler(index: number, spec: RandomHandler, counters: Counters): HandlerDef {
  let received = 0
  const nextChoice = () => spec.choices[received++ % spec.choices.length]!
  if (spec.fastPath) {
    return handler(
      (_eff, k) => {
        counters.handlerCalls[index]!++
        return fastControl(nextChoice(), k)
      },
      { handles: [Op], name: `fast${index}` },
    )
  }
  return handler(
    function* generatorHandler(_eff, k): Generator<Yielded, unknown> {
      counters.handlerCalls[index]!++
      try {
        switch (nextChoice()) {
          case "resume":
            return yield* Resume(k, 1)
          case "transfer":
            return yield* Transfer(k, 1)
          case "abort":
            return -100
          case "resumeThrow":
            return yield* ResumeThrow(k, new HandlerThrew("generator handler threw"))
          case "pass":
            return yield* Pass()
        }
      } finally {
        counters.handlerFinally[index]!++
        if (spec.finallyPerforms) yield* new Op()
      }
    },
    { handles: [Op], name: `gen${index}` },
  )
}

const bodyLevel = fn(function* bodyLevel(
  depth: number,
  levels: readonly Level[],
  counters: Counters,
): Generator<Yielded, number> {
  const level = levels[depth]!
  counters.bodyEntered[depth]!++
  try {
    let sum = 0
    for (let i = 0; i < level.performsBefore; i++) sum += yield* new Op()
    if (depth + 1 < levels.length) sum += yield* bodyLevel(depth + 1, levels, counters)
    for (let i = 0; i < level.performsAfter; i++) sum += yield* new Op()
    return sum
  } catch (error) {
    if (level.catches) return -1
    throw error
  } finally {
    counters.bodyFinally[depth]!++
    if (level.finallyPerforms) yield* new Op()
  }
})

function runScenario(scenario: Scenario): { counters: Counters; outcome: unknown } {
  const counters: Counters = {
    bodyEntered: scenario.levels.map(() => 0),
    bodyFinally: scenario.levels.map(() => 0),
    handlerCalls: scenario.handlers.map(() => 0),
    handlerFinally: scenario.handlers.map(() => 0),
  }
  const handlers = scenario.handlers.map((spec, i) => randomHandler(i, spec, counters))
  let outcome: unknown
  try {
    outcome = run(withHandlers(handlers, bodyLevel(0, scenario.levels, counters)))
  } catch (error) {
    outcome = error
  }
  return { counters, outcome }
}

describe("property: finally blocks", () => {
  it("every started body finally runs exactly once, whatever mix of resume, transfer, abort, throw and pass the handlers do", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { counters } = runScenario(scenario)

        expect(counters.bodyEntered[0]).toBe(1)
        expect(counters.bodyEntered.every((n) => n === 0 || n === 1)).toBe(true)
        expect(counters.bodyFinally).toEqual(counters.bodyEntered)
      }),
      { numRuns: NUM_RUNS },
    )
  })

  it("every generator handler's finally runs exactly once per call", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { counters } = runScenario(scenario)

        const expected = scenario.handlers.map((spec, i) =>
          spec.fastPath ? 0 : counters.handlerCalls[i],
        )
        expect(counters.handlerFinally).toEqual(expected)
      }),
      { numRuns: NUM_RUNS },
    )
  })

  it("a run ends with a number, a handler's thrown error or UnhandledEffectError, nothing else", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { outcome } = runScenario(scenario)

        const expected =
          typeof outcome === "number" ||
          outcome instanceof HandlerThrew ||
          outcome instanceof UnhandledEffectError
        expect(expected, `unexpected outcome ${String(outcome)}`).toBe(true)
      }),
      { numRuns: NUM_RUNS },
    )
  })
})

// ---------------------------------------------------------------------------------------
// Property 2: a continuation is never resumed twice.

type FirstMove = "resume" | "resumeThrow"
type SecondMove = "resume" | "transfer" | "resumeThrow" | "transferThrow"
type Behaviour =
  | { readonly kind: "resumeTwice"; readonly first: FirstMove; readonly second: SecondMove }
  | { readonly kind: "resumeStale" }
  | { readonly kind: "pass" }

interface DoubleResumeScenario {
  /** Outermost first. */
  readonly handlers: readonly (readonly Behaviour[])[]
  readonly performs: number
}

const behaviourArb: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.record({
    kind: fc.constant("resumeTwice" as const),
    first: fc.constantFrom<FirstMove>("resume", "resumeThrow"),
    second: fc.constantFrom<SecondMove>("resume", "transfer", "resumeThrow", "transferThrow"),
  }),
  fc.record({ kind: fc.constant("resumeStale" as const) }),
  fc.record({ kind: fc.constant("pass" as const) }),
)

const doubleResumeArb: fc.Arbitrary<DoubleResumeScenario> = fc.record({
  handlers: fc.array(fc.array(behaviourArb, { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 3,
  }),
  performs: fc.integer({ min: 1, max: 6 }),
})

interface Attempts {
  /** What each second resume attempt raised (undefined if it raised nothing). */
  readonly refusals: unknown[]
}

function secondMove(move: SecondMove, k: Continuation<unknown>): Control<unknown> {
  switch (move) {
    case "resume":
      return Resume(k, 2)
    case "transfer":
      return Transfer(k, 2)
    case "resumeThrow":
      return ResumeThrow(k, new HandlerThrew("second throw"))
    case "transferThrow":
      return TransferThrow(k, new HandlerThrew("second throw"))
  }
}

function doubleResumer(index: number, behaviours: readonly Behaviour[], attempts: Attempts) {
  let received = 0
  let previous: Continuation<unknown> | null = null
  return handler(
    function* doubleResumer(_eff, k): Generator<Yielded, unknown> {
      const behaviour = behaviours[received++ % behaviours.length]!
      const stale = previous
      previous = k
      if (behaviour.kind === "pass") return yield* Pass()
      if (behaviour.kind === "resumeStale") {
        if (stale !== null) {
          let refusal: unknown
          try {
            yield* Resume(stale, 99)
          } catch (error) {
            refusal = error
          }
          attempts.refusals.push(refusal)
        }
        return yield* Transfer(k, 1)
      }
      const final =
        behaviour.first === "resume"
          ? yield* Resume(k, 1)
          : yield* ResumeThrow(k, new HandlerThrew("first throw"))
      let refusal: unknown
      try {
        yield* secondMove(behaviour.second, k)
      } catch (error) {
        refusal = error
      }
      attempts.refusals.push(refusal)
      return final
    },
    { handles: [Op], name: `doubleResumer${index}` },
  )
}

const recordAnswers = fn(function* recordAnswers(performs: number, answers: unknown[][]) {
  for (let i = 0; i < performs; i++) {
    answers.push([])
    try {
      answers[i]!.push(yield* new Op())
    } catch (error) {
      answers[i]!.push(error)
    }
  }
  return answers.length
})

describe("property: one-shot continuations", () => {
  it("a handler that resumes twice always gets ContinuationError, and the body sees one answer per perform", () => {
    fc.assert(
      fc.property(doubleResumeArb, (scenario) => {
        const attempts: Attempts = { refusals: [] }
        const answers: unknown[][] = []
        const handlers = scenario.handlers.map((b, i) => doubleResumer(i, b, attempts))

        const result = run(withHandlers(handlers, recordAnswers(scenario.performs, answers)))

        expect(result).toBe(scenario.performs)
        for (const refusal of attempts.refusals) expect(refusal).toBeInstanceOf(ContinuationError)
        expect(answers.map((a) => a.length)).toEqual(answers.map(() => 1))
      }),
      { numRuns: NUM_RUNS },
    )
  })

  it("a second resume never delivers a second answer to the body", () => {
    fc.assert(
      fc.property(doubleResumeArb, (scenario) => {
        const attempts: Attempts = { refusals: [] }
        const answers: unknown[][] = []
        const handlers = scenario.handlers.map((b, i) => doubleResumer(i, b, attempts))

        run(withHandlers(handlers, recordAnswers(scenario.performs, answers)))

        const delivered = answers.flat()
        expect(delivered).not.toContain(2)
        expect(delivered).not.toContain(99)
        expect(
          delivered.some((a) => a instanceof HandlerThrew && a.message === "second throw"),
        ).toBe(false)
      }),
      { numRuns: NUM_RUNS },
    )
  })
})

describe("property sanity", () => {
  it("a generated scenario with one resuming handler and one level returns normally", () => {
    const { counters, outcome } = runScenario({
      handlers: [{ choices: ["resume"], fastPath: false, finallyPerforms: false }],
      levels: [{ performsBefore: 1, performsAfter: 1, catches: false, finallyPerforms: false }],
    })

    expect(outcome).toBe(2)
    expect(counters.bodyFinally).toEqual([1])
    expect(counters.handlerFinally).toEqual([2])
  })

  it("the body program of the one-shot property runs alone", () => {
    const answers: unknown[][] = []
    const ones = handler((_eff, k) => Transfer(k, 1), { handles: [Op] })

    expect(run(withHandlers([ones], recordAnswers(3, answers)))).toBe(3)
    expect(answers).toEqual([[1], [1], [1]])
  })
})
