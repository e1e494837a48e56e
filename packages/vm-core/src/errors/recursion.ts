/**
 * A program went deeper than the run's `maxDepth` (runaway recursion), like Python's
 * `RecursionError`. Raised where the frame that would have gone too deep was called, so a
 * `try/catch` there (or further out) catches it; its traceback folds the repeated frames.
 *
 * @example
 * ```ts
 * try {
 *   run(isEven(-1), { maxDepth: 10_000 })
 * } catch (e) {
 *   if (e instanceof RecursionError) console.log(e.depth) // 10001
 * }
 * ```
 */
export class RecursionError extends Error {
  /** The depth the program would have reached. */
  readonly depth: number
  /** The run's limit (`maxDepth`). */
  readonly maxDepth: number

  constructor(depth: number, maxDepth: number, where: string) {
    super(
      `Maximum recursion depth exceeded calling ${where}: ${depth} machine frames, over the run's maxDepth of ${maxDepth}. If the recursion is meant to go this deep, raise it: run(program, { maxDepth }).`,
    )
    this.name = "RecursionError"
    this.depth = depth
    this.maxDepth = maxDepth
  }
}

/**
 * The default `maxDepth`: deep enough for a recursion of a million levels (with room for the
 * handlers and tasks around it), low enough that a runaway recursion fails within seconds,
 * long before the process runs out of memory (docs/errors.md).
 */
export const DEFAULT_MAX_DEPTH = 1_500_000
