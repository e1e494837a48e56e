import { showTraceback } from "./errors/shown.js"
import { advance } from "./machine/machine.js"
import { MODE_DONE, MODE_FAILED } from "./machine/modes.js"
import type { Machine } from "./machine/state.js"
import { finalError, stopOnAbort } from "./stop.js"

/**
 * Advances `m` until it has ended, waiting on its external promises; `signal` stops it.
 * Resolves once the machine is done or failed (the caller reads how).
 */
export async function driveToEnd(m: Machine, signal: AbortSignal | undefined): Promise<void> {
  const detach = stopOnAbort(m, signal)
  // With a signal, a program that never waits must still let the event loop run now and
  // then, or the abort could never arrive: run in slices and yield a macrotask between.
  const slice = signal === undefined ? Number.POSITIVE_INFINITY : STEPS_PER_SLICE
  try {
    for (;;) {
      const mode = advance(m, slice)
      if (mode === MODE_DONE || mode === MODE_FAILED) return
      if (mode === -1) await nextMacrotask()
      else await m.parked
    }
  } finally {
    detach()
  }
}

/** Steps between two turns of the event loop under a signal (a few milliseconds of work). */
const STEPS_PER_SLICE = 50_000

function nextMacrotask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate
  return new Promise((resolve) =>
    immediate === undefined ? setTimeout(resolve, 0) : immediate(resolve),
  )
}

/** The value of an ended run, or throws its error (`StopError` for a stopped run). */
export function resultOf<T>(m: Machine): T {
  if (m.mode === MODE_DONE && m.stopError === null) return m.result as T
  throw showTraceback(finalError(m), new Error())
}
