// Multi-shot handlers: all solutions of N queens, and every way to split a word list,
// from one Choose effect whose handler resumes its continuation once per alternative.
// Run after `pnpm build`:
//   node examples/dist/multishot/queens.js
import {
  Effect,
  fn,
  handler,
  type ProgramGenerator,
  Resume,
  run,
  withHandler,
} from "@effvm/vm-core"

/** Choose one of `n` options: answered 0, 1, …, n - 1. */
class Choose extends Effect<number> {
  constructor(readonly n: number) {
    super()
  }
}
/** Give up on this branch. */
class Fail extends Effect<never> {}

/** Resumes every Choose once per option and concatenates what each branch returned. */
const allResults = handler(
  function* allResults(eff: Choose, k) {
    const results: unknown[] = []
    for (let i = 0; i < eff.n; i++) results.push(...((yield* Resume(k, i)) as unknown[]))
    return results
  },
  { handles: [Choose], multishot: true },
)
/** A failed branch contributes nothing (installed inside the choices: it ends one branch). */
const noResults = handler(() => [], { handles: [Fail] })
const search = <T>(body: Parameters<typeof withHandler<T[]>>[1]) =>
  run(withHandler(allResults, withHandler(noResults, body))) as T[]

const queens = fn(function* queens(n: number): ProgramGenerator<number[][]> {
  const placed: number[] = []
  for (let row = 0; row < n; row++) {
    const column = yield* new Choose(n)
    if (placed.some((c, r) => c === column || Math.abs(c - column) === row - r)) yield* new Fail()
    placed.push(column)
  }
  return [placed]
})

const words = ["a", "ab", "b", "ba", "aba"]
const splits = fn(function* splits(text: string): ProgramGenerator<string[][]> {
  const parts: string[] = []
  for (let rest = text; rest.length > 0; ) {
    const word = rest.slice(0, (yield* new Choose(rest.length)) + 1)
    if (!words.includes(word)) yield* new Fail()
    parts.push(word)
    rest = rest.slice(word.length)
  }
  return [parts]
})

const counts = [4, 5, 6, 7, 8].map((n) => `${n}: ${search<number[]>(queens(n)).length}`)
console.log(`solutions of N queens  ${counts.join(", ")}`)
console.log(`first of 8 queens      ${search<number[]>(queens(8))[0]!.join(" ")}`)
const ways = search<string[]>(splits("abab")).map((p) => p.join(" "))
console.log(`"abab" from ${words.join(",")}: ${ways.join(" | ")}`)
if (search(queens(8)).length !== 92) throw new Error("8 queens must have 92 solutions")
