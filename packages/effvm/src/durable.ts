/**
 * `effvm/durable`: the journals of `@effvm/durable`: `record` a run (everything that came
 * into it from outside), `replay` it anywhere, `JournalDivergenceError` when a program no
 * longer matches its journal.
 *
 * @example
 * ```ts
 * import { record, replay } from "effvm/durable"
 * const { journal } = await record(main(), { handlers: [http] })
 * await replay(main(), journal) // the same outcome, no http call
 * ```
 * @packageDocumentation
 */

export * from "@effvm/durable"
