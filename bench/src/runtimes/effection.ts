/**
 * effection (v4) helpers. The fastest idiomatic "ask the nearest provider" is a context
 * read: `yield* TickContext.expect()` under `TickContext.with(1, ...)` (measured faster than
 * a `createApi` operation decorated with `around`, 0.9 µs against 2.8 µs per call).
 */
import { type Context, createContext, type Operation, run, scoped } from "effection"

export const TickContext: Context<number> = createContext<number>("bench/tick")

/** Runs `body` with the answer installed, and returns its result. */
export function runWithTick<T>(body: () => Operation<T>): Promise<T> {
  return run(() => TickContext.with(1, body))
}

/** Performs `n` context reads, summing the answers. */
export function* tickLoop(n: number): Operation<number> {
  let s = 0
  for (let i = 0; i < n; i++) s += yield* TickContext.expect()
  return s
}

/** `n` distinct contexts that no workload reads: W2's non-answering "handlers". */
export function otherContexts(n: number): Context<number>[] {
  return Array.from({ length: n }, (_, i) => createContext<number>(`bench/other${i}`))
}

/**
 * Runs `body` under one nested scope per context, each providing its context: the closest
 * effection analogue of nested handlers that do not answer the effect.
 */
export function nestedScopes<T>(contexts: readonly Context<number>[], body: () => Operation<T>) {
  const nest = (i: number): Operation<T> =>
    i === contexts.length
      ? body()
      : scoped(function* () {
          yield* contexts[i]!.set(i)
          return yield* nest(i + 1)
        })
  return nest(0)
}
