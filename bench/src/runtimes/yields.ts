/**
 * The cooperative yield of each anchor in W4/W5, where the runtime has no `yieldNow`:
 * a hop through an already-resolved promise (one microtask). Their timers (`sleep(0)`,
 * `delay(0)`) wait at least 1 ms, which would measure the timer, not the runtime.
 * Effect has `Effect.yieldNow`; effvm and the floor yield synchronously.
 */
import { type Operation, until } from "effection"
import { type CallEffect, call } from "redux-saga/effects"

const resolved = (): Promise<void> => Promise.resolve()

/** effection: waits on a resolved promise. */
export const effectionYield = (): Operation<void> => until(Promise.resolve())

/** redux-saga: `call` of a function returning a resolved promise. */
export const sagaYield = (): CallEffect<void> => call(resolved)
