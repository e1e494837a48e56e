// Differential test: random programs and handler stacks run on the effvm machine and on
// the reference interpreter (reference.ts) must give the same value or error and the same
// event log (the order of performs, handler calls and finally blocks).
//
// EFFVM_FUZZ_RUNS=100000 pnpm exec vitest run test/differential   (a long fuzzing session)
// EFFVM_FUZZ_SEED=<seed> reproduces a run fast-check reported.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Prog } from "./ast.js"
import { runMachine } from "./compile.js"
import { programArb, showProg } from "./programs.js"
import { runReference } from "./reference.js"

const NUM_RUNS = Number(process.env.EFFVM_FUZZ_RUNS ?? 300)
const SEED =
  process.env.EFFVM_FUZZ_SEED === undefined ? undefined : Number(process.env.EFFVM_FUZZ_SEED)

function sameBehaviour(p: Prog): void {
  const expected = runReference(p)
  const actual = runMachine(p)
  expect(actual, showProg(p)).toEqual(expected)
}

describe("the machine agrees with the reference interpreter", () => {
  it("on random programs and handler stacks (value or error, and the event log)", () => {
    fc.assert(fc.property(programArb(3), sameBehaviour), {
      numRuns: NUM_RUNS,
      ...(SEED === undefined ? {} : { seed: SEED }),
    })
  })
})
