// Differential test: random programs and handler stacks run on the effvm machine and on
// the reference interpreter (reference.ts) must give the same value or error and the same
// event log (the order of performs, handler calls and finally blocks).
//
// A long fuzzing session (docs/testing.md):
//   EFFVM_FUZZ_RUNS=200000 [EFFVM_FUZZ_DEPTH=5] pnpm exec vitest run test/differential
// EFFVM_FUZZ_SEED=<seed> reproduces a run fast-check reported.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Prog } from "./ast.js"
import { runMachine } from "./compile.js"
import { programArb, showProg } from "./programs.js"
import { runReference } from "./reference.js"

const NUM_RUNS = Number(process.env.EFFVM_FUZZ_RUNS ?? 300)
const DEPTH = Number(process.env.EFFVM_FUZZ_DEPTH ?? 3)
const SEED =
  process.env.EFFVM_FUZZ_SEED === undefined ? undefined : Number(process.env.EFFVM_FUZZ_SEED)

function sameBehaviour(p: Prog): void {
  const expected = runReference(p)
  const actual = runMachine(p)
  expect(actual, showProg(p)).toEqual(expected)
}

describe("the machine agrees with the reference interpreter", () => {
  it(
    "on random programs and handler stacks (value or error, and the event log)",
    () => {
      fc.assert(fc.property(programArb(DEPTH), sameBehaviour), {
        numRuns: NUM_RUNS,
        ...(SEED === undefined ? {} : { seed: SEED }),
      })
    },
    // A long session must not hit vitest's 30 s default: allow 5 ms per program.
    Math.max(30_000, NUM_RUNS * 5 * Math.max(1, DEPTH - 2)),
  )
})
