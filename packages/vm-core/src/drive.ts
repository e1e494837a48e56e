import { advance, type Machine } from "./machine/machine.js"
import { MODE_DONE, MODE_FAILED } from "./machine/modes.js"
import { finalError, stopOnAbort } from "./stop.js"

/**
 * Advances `m` until it has ended, waiting on its external promises; `signal` stops it.
 * Resolves once the machine is done or failed (the caller reads how).
 */
export async function driveToEnd(m: Machine, signal: AbortSignal | undefined): Promise<void> {
  const detach = stopOnAbort(m, signal)
  try {
    for (;;) {
      const mode = advance(m, Number.POSITIVE_INFINITY)
      if (mode === MODE_DONE || mode === MODE_FAILED) return
      await m.parked
    }
  } finally {
    detach()
  }
}

/** The value of an ended run, or throws its error (`StopError` for a stopped run). */
export function resultOf<T>(m: Machine): T {
  if (m.mode === MODE_DONE && m.stopError === null) return m.result as T
  throw finalError(m)
}
