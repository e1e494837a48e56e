/**
 * W20: all solutions of N queens by backtracking, the `nqueens` problem of the community
 * effect-handlers benchmark suite: place a queen per row with a `Choose(N)` effect, fail a
 * branch with `Fail`; a multi-shot handler resumes each choice N times and adds up the
 * solutions. effvm's continuations are one-shot, so every resume after the first re-runs
 * the board from its start, replaying the earlier choices (docs/multishot.md). The floor is
 * the same search as a plain recursive JS function. Unit: ms for the whole search.
 */
import {
  Effect,
  fn,
  handler,
  type ProgramGenerator,
  Resume,
  run,
  withHandler,
} from "@effvm/vm-core"
import type { Case, Workload } from "../types.js"

class Choose extends Effect<number> {
  constructor(readonly n: number) {
    super()
  }
}
class Fail extends Effect<never> {}

function safe(queens: readonly number[], column: number): boolean {
  const row = queens.length
  for (let r = 0; r < row; r++) {
    const c = queens[r]!
    if (c === column || c - column === row - r || column - c === row - r) return false
  }
  return true
}

/** The floor: plain recursive backtracking over the same placements. */
function floorCount(n: number, queens: number[]): number {
  if (queens.length === n) return 1
  let count = 0
  for (let column = 0; column < n; column++) {
    if (!safe(queens, column)) continue
    queens.push(column)
    count += floorCount(n, queens)
    queens.pop()
  }
  return count
}

const placeQueens = fn(function* placeQueens(n: number): ProgramGenerator<number> {
  const queens: number[] = []
  for (let row = 0; row < n; row++) {
    const column = yield* new Choose(n)
    if (!safe(queens, column)) yield* new Fail()
    queens.push(column)
  }
  return 1
})

const countAll = handler(
  function* countAll(eff: Choose, k) {
    let count = 0
    for (let i = 0; i < eff.n; i++) count += (yield* Resume(k, i)) as number
    return count
  },
  { handles: [Choose], multishot: true },
)
const failBranch = handler(() => 0, { handles: [Fail] })

const cases: Case[] = [
  { runtime: "floor", variant: "", label: "recursive backtracking", run: (n) => floorCount(n, []) },
  {
    runtime: "effvm",
    variant: "multishot",
    label: "Choose with a multi-shot handler",
    run: (n) => run(withHandler(countAll, withHandler(failBranch, placeQueens(n)))) as number,
  },
]

const SOLUTIONS = [1, 1, 0, 0, 2, 10, 4, 40, 92, 352, 724, 2680, 14200]

export const workload: Workload = {
  id: "W20",
  title: "nqueens: all solutions by backtracking with a multi-shot Choose",
  metric: { kind: "total-ms" },
  sizes: [8, 9, 10],
  smokeSizes: [5],
  expected: (n) => SOLUTIONS[n]!,
  cases,
  targets: [],
}
