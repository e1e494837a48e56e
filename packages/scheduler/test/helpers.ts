import { type ContextEntry, Effect, getExecutionContext, type Program, run } from "@effvm/vm-core"
import { scheduled, VirtualClock } from "../src/index.js"

/** Runs `body` under a scheduler with a fresh virtual clock, synchronously. */
export function runVirtual<T>(body: Program<T>, quanta?: number): T {
  return run(
    scheduled(body, { clock: new VirtualClock(), ...(quanta === undefined ? {} : { quanta }) }),
  )
}

/** The error `f` throws (fails the test when it throws nothing). */
export function thrownBy(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error, but nothing was thrown")
}

/** The spawn boundaries attached to `error`, innermost first, as `id:name`. */
export function boundaryChain(error: unknown): string[] {
  return spawnBoundaries(error).map((e) => `${String(e.taskId)}:${String(e.name)}`)
}

export function spawnBoundaries(error: unknown): ContextEntry[] {
  return (getExecutionContext(error)?.entries ?? []).filter((e) => e.kind === "spawn_boundary")
}

/** An effect answered by a handler outside the scheduler (see `counter`). */
export class Tick extends Effect<number> {
  constructor(readonly who: string) {
    super()
  }
}
