import { describeEffect, describeValue } from "../effect.js"
import { ContinuationError } from "../errors/errors.js"
import { Continuation, K_CONSUMED, K_LIVE } from "./continuation.js"
import type { Frame } from "./frames.js"
import type { Machine } from "./state.js"
import { throwAt } from "./transitions.js"

/** Taking a continuation to use it: the checks a handler's `k` must pass first. */

/** Takes `k` for a resume or transfer by frame `f`; null (thrown at `f`) when it cannot be. */
export function claim(vm: Machine, f: Frame, k: unknown): Continuation<unknown> | null {
  const problem = continuationProblem(vm, k)
  if (problem !== null) {
    throwAt(vm, f, problem)
    return null
  }
  const taken = k as Continuation<unknown>
  taken.state = K_CONSUMED
  return taken
}

/** What is wrong with resuming `k` here, or null. */
export function continuationProblem(vm: Machine, k: unknown): ContinuationError | null {
  if (!(k instanceof Continuation)) {
    return new ContinuationError(
      `Resume/Transfer needs the continuation k a handler received, got ${describeValue(k)}.`,
    )
  }
  if (k.owner !== vm) {
    return new ContinuationError(
      `The continuation of ${describeEffect(k.effect)} belongs to another run: a continuation can only be resumed by the machine that captured it.`,
    )
  }
  if (k.state !== K_LIVE) {
    return new ContinuationError(
      `The continuation of ${describeEffect(k.effect)} was ${stateWord(k)}: continuations are one-shot.`,
    )
  }
  return null
}

/** How messages say what became of a continuation that is no longer live. */
export function stateWord(k: Continuation<unknown>): string {
  return k.state === K_CONSUMED
    ? "already resumed"
    : "abandoned (its handler returned without resuming it)"
}
