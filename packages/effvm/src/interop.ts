/**
 * `effvm/interop`: the bridges of `@effvm/interop`, between effvm programs and Effect-TS
 * (`fromEffect`, `toEffect`) or fp-ts (`fromEither`, `fromTaskEither`, `attemptEither`).
 *
 * @example
 * ```ts
 * import { fromEffect } from "effvm/interop"
 * import { program, run } from "effvm"
 * import { Effect } from "effect"
 * run(program(function* main() { return yield* fromEffect(Effect.succeed(1)) })) // 1
 * ```
 * @packageDocumentation
 */

export * from "@effvm/interop"
