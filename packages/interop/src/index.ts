/**
 * @effvm/interop: bridges between effvm programs and the libraries TypeScript teams already
 * use. Run an Effect-TS `Effect` inside a program (`fromEffect`) and a program as an
 * `Effect` (`toEffect`); lift fp-ts `Either` and `TaskEither` into programs and get an
 * `Either` back (`attemptEither`).
 * @packageDocumentation
 */

export { EffectFailure } from "./effect-failure.js"
export { attemptEither, fromEither, fromTaskEither, LeftError } from "./either.js"
export { fromEffect } from "./from-effect.js"
export { type ToEffectOptions, toEffect } from "./to-effect.js"
