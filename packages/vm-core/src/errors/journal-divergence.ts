/**
 * A replayed body no longer matches its record: at `position` the record holds
 * `expected`, but the body performed `actual` (or ended, or went on past the record's
 * end). Raised by journal replay (`@effvm/durable`) and by the re-runs of multi-shot
 * handlers, whose bodies must be deterministic apart from their effects.
 *
 * @example
 * ```ts
 * try {
 *   await replay(main(), journal)
 * } catch (e) {
 *   if (e instanceof JournalDivergenceError) console.log(e.position, e.expected, e.actual)
 * }
 * ```
 */
export class JournalDivergenceError extends Error {
  /** The index of the first entry that does not match, counted from 0. */
  readonly position: number
  /** What the record holds at `position`, described (e.g. `Ask("db")`, `end of journal`). */
  readonly expected: string
  /** What the body did at `position`, described the same way. */
  readonly actual: string

  constructor(position: number, expected: string, actual: string, detail?: string) {
    super(
      `The replayed run diverged from its journal at entry ${position}: the journal holds ${expected}, ` +
        `but the program performed ${actual}.${detail ? ` ${detail}` : ""} ` +
        "A replayed program must be deterministic apart from its effects.",
    )
    this.name = "JournalDivergenceError"
    this.position = position
    this.expected = expected
    this.actual = actual
  }
}
