/** Effect-TS (v4) helpers: the "effect" is a service read from the fiber's Context. */
import { Context, Effect } from "effect"

/** The service W1-W3 read; its value is the constant answer. */
export class TickService extends Context.Service<TickService, { readonly value: number }>()(
  "bench/Tick",
) {}

export const tickService = { value: 1 } as const

/** `n` distinct services that no workload reads: W2's non-answering "handlers". */
export function otherServices(n: number): Context.Service<unknown, { readonly id: number }>[] {
  return Array.from({ length: n }, (_, i) =>
    Context.Service<unknown, { readonly id: number }>(`bench/Other${i}`),
  )
}

/** Performs `n` service reads, summing the answers. */
export const tickLoop = (n: number): Effect.Effect<number, never, TickService> =>
  Effect.gen(function* () {
    let s = 0
    for (let i = 0; i < n; i++) s += (yield* TickService).value
    return s
  })
