import { fn, type Program, run, type TraceEvent, type Yielded } from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  any,
  type CancelScope,
  cancel,
  cancelScope,
  race,
  scheduled,
  sleep,
  spawn,
  type Task,
  VirtualClock,
} from "../src/index.js"

/** A random program: a list of operations, some of which hold programs of their own. */
type Op =
  | { readonly t: "sleep"; readonly ms: number }
  | { readonly t: "fail" }
  | { readonly t: "cancelLast" }
  | { readonly t: "cancelScope" }
  | { readonly t: "spawn"; readonly body: readonly Op[] }
  | { readonly t: "race"; readonly a: readonly Op[]; readonly b: readonly Op[] }
  | { readonly t: "any"; readonly a: readonly Op[]; readonly b: readonly Op[] }
  | { readonly t: "scope"; readonly body: readonly Op[] }

const { ops } = fc.letrec<{ op: Op; ops: readonly Op[] }>((tie) => ({
  op: fc.oneof(
    { maxDepth: 3, depthSize: "small" },
    {
      arbitrary: fc.record({
        t: fc.constant("sleep" as const),
        ms: fc.integer({ min: 0, max: 3 }),
      }),
      weight: 4,
    },
    { arbitrary: fc.constant({ t: "fail" as const }), weight: 1 },
    { arbitrary: fc.constant({ t: "cancelLast" as const }), weight: 2 },
    { arbitrary: fc.constant({ t: "cancelScope" as const }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant("spawn" as const), body: tie("ops") }), weight: 3 },
    {
      arbitrary: fc.record({ t: fc.constant("race" as const), a: tie("ops"), b: tie("ops") }),
      weight: 2,
    },
    {
      arbitrary: fc.record({ t: fc.constant("any" as const), a: tie("ops"), b: tie("ops") }),
      weight: 2,
    },
    { arbitrary: fc.record({ t: fc.constant("scope" as const), body: tie("ops") }), weight: 2 },
  ),
  ops: fc.array(tie("op"), { maxLength: 5 }),
}))

/**
 * Runs `ops` in order. Errors of joins and scopes are caught (the program goes on), so
 * most programs exercise many operations; a `fail` outside them fails the task.
 */
const interpret = fn(function* interpretOps(
  list: readonly Op[],
  scope: CancelScope | null,
): Generator<Yielded, string, unknown> {
  const spawned: Task<unknown>[] = []
  for (const op of list) {
    switch (op.t) {
      case "sleep":
        yield* sleep(op.ms)
        break
      case "fail":
        throw new Error("planned failure")
      case "cancelLast":
        if (spawned.length > 0) yield* cancel(spawned[spawned.length - 1]!)
        break
      case "cancelScope":
        if (scope !== null) yield* cancel(scope)
        break
      case "spawn":
        spawned.push(yield* spawn(interpret(op.body, scope)))
        break
      case "race":
      case "any":
        try {
          const join = op.t === "race" ? race : any
          yield* join(interpret(op.a, scope), interpret(op.b, scope))
        } catch {
          // a join that failed: go on
        }
        break
      case "scope":
        try {
          yield* cancelScope(function* (inner) {
            return yield* interpret(op.body, inner)
          })
        } catch {
          // a scope whose body failed: go on
        }
        break
    }
  }
  return "ok"
})

/** The full event trace of one run, with errors as their messages (comparable). */
function traceOf(
  body: Program<unknown>,
  policy: { random: number } | { replay: readonly number[] },
): { events: unknown[]; log: readonly number[]; outcome: string } {
  const events: unknown[] = []
  let log: readonly number[] = []
  let outcome: string
  try {
    outcome = String(
      run(scheduled(body, { clock: new VirtualClock(), policy, onChoices: (l) => (log = l) }), {
        trace: "full",
        onEvent: (e: TraceEvent) =>
          events.push(e.error === undefined ? e : { ...e, error: String(e.error) }),
      }),
    )
  } catch (error) {
    outcome = `threw ${String(error)}`
  }
  return { events, log, outcome }
}

describe("replay (property)", () => {
  it("for random programs under random seeds, replaying the recorded log reproduces the same event trace", () => {
    fc.assert(
      fc.property(
        fc.array(ops, { minLength: 1, maxLength: 3 }).map((lists) => lists.flat()),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (plan, seed) => {
          const body = interpret(plan, null)
          const recorded = traceOf(body, { random: seed })
          const replayed = traceOf(body, { replay: recorded.log })
          expect(replayed.outcome).toBe(recorded.outcome)
          expect(replayed.events).toEqual(recorded.events)
          expect(replayed.log).toEqual(recorded.log)
        },
      ),
      { numRuns: 150 },
    )
  })
})
