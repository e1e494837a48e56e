/**
 * A `{ replay: log }` run asked the log for a choice that no longer fits the program: the
 * task the log names is not ready (`expected`), or the log ran out (`expected` is
 * `undefined`). Thrown by `scheduled(...)` at the first divergent choice, after every task
 * was cancelled and its `finally` blocks ran.
 *
 * @example
 * ```ts
 * try {
 *   run(scheduled(changedProgram, { policy: { replay: oldLog } }))
 * } catch (e) {
 *   if (e instanceof ReplayDivergenceError) console.log(e.index, e.expected, e.ready)
 * }
 * ```
 */
export class ReplayDivergenceError extends Error {
  /** The position of the divergent choice in the log (0 for the first decision). */
  readonly index: number
  /** The task id the log asked for; `undefined` when the log ran out. */
  readonly expected: number | undefined
  /** The ids of the tasks that were ready at that decision. */
  readonly ready: readonly number[]

  constructor(index: number, expected: number | undefined, ready: readonly number[]) {
    const asked =
      expected === undefined
        ? `the log has only ${index} choices and the run needs more`
        : `the log asks for task ${expected}, which is not ready`
    super(
      `Replay diverged at choice ${index}: ${asked}; ready tasks: ${ready.length === 0 ? "none" : ready.join(", ")}. ` +
        "The program (or its inputs) changed since the log was recorded: record a new log with onChoices.",
    )
    this.name = "ReplayDivergenceError"
    this.index = index
    this.expected = expected
    this.ready = ready
  }
}
