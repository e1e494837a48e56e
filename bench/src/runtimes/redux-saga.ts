/**
 * redux-saga helpers. The fastest idiomatic effect answered by the runtime is
 * `yield call(fn)` on a synchronous function (measured faster than `select`).
 */
import { type EffectMiddleware, runSaga, type Saga } from "redux-saga"
import { type CallEffect, call } from "redux-saga/effects"

/** The "handler": a synchronous function whose result answers the `call`. */
export const answerTick = (): number => 1

export type TickSaga = Generator<CallEffect<number>, number, number>

/** Performs `n` `call` effects, summing the answers. */
export function* tickLoop(n: number): TickSaga {
  let s = 0
  for (let i = 0; i < n; i++) s += yield call(answerTick)
  return s
}

/** Effect middlewares that pass every effect on: W2's non-answering "handlers". */
export function passMiddlewares(n: number): EffectMiddleware[] {
  return Array.from({ length: n }, () => (next) => (effect) => next(effect))
}

/** Runs a saga to its end and returns its result. */
export function runToEnd<S extends Saga>(
  saga: S,
  args: Parameters<S>,
  effectMiddlewares: EffectMiddleware[] = [],
): Promise<number> {
  // Errors reach the caller through the promise; silence redux-saga's own logging.
  const task = runSaga({ effectMiddlewares, onError: () => {} }, saga, ...args)
  return task.toPromise() as Promise<number>
}
