import { Interrupt } from "./errors/errors.js"
import { hasEnded, MODE_EXTERNAL, MODE_FAILED, MODE_THROW } from "./machine/modes.js"
import type { Machine } from "./machine/state.js"

/**
 * Thrown into a run that was stopped: by `vm.stop()`, by the `signal` of `runAsync`, or by
 * a scheduler that reached `maxRounds`. An `Interrupt`: never enriched, and `attempt` does
 * not catch it. A stopped run ends as stopped even if the program catches it: `run` and
 * `runAsync` throw it, `runOutcome` reports `{ status: "stopped" }`.
 *
 * @example
 * ```ts
 * const controller = new AbortController()
 * const done = runAsync(main(), { signal: controller.signal })
 * controller.abort("operator request")
 * await done.catch((e) => e instanceof StopError) // true
 * ```
 */
export class StopError extends Interrupt {
  /** Why the run was stopped (the abort signal's reason, `vm.stop(reason)`'s argument). */
  readonly reason: unknown

  constructor(reason?: unknown) {
    super(
      reason === undefined ? "The run was stopped." : `The run was stopped: ${describe(reason)}`,
    )
    this.reason = reason
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.message
  return typeof reason === "string" ? reason : String(reason)
}

/**
 * Asks the machine to stop. The stop is delivered once, at the next perform: the check
 * reuses the preemption test the machine already makes before every perform (`preemptAt`),
 * so a run that is never stopped pays nothing. A scheduler answers the resulting `Preempt`
 * by stopping every task; without one, `StopError` is thrown at that perform. A machine
 * parked on a JS promise gets `StopError` thrown at the waiting perform at once; one that
 * has not taken its first step ends stopped without running.
 */
export function requestStop(vm: Machine, reason?: unknown): void {
  if (vm.stopError !== null || hasEnded(vm.mode)) return
  const error = new StopError(reason)
  vm.stopError = error
  if (vm.steps === 0) {
    // Stopped before its first step: nothing ran, so nothing needs cleaning up.
    vm.top = null
    vm.mode = MODE_FAILED
    vm.error = error
    return
  }
  if (vm.mode === MODE_EXTERNAL) {
    // The promise's settlement is ignored from now on (park() checks its token).
    const wake = vm.unpark
    vm.parked = null
    vm.unpark = null
    vm.mode = MODE_THROW
    vm.value = error
    wake?.()
    return
  }
  vm.stopPending = true
  vm.preemptAt = 1
}

/** Takes the pending stop (a scheduler delivers it to its tasks itself). */
export function takeStop(vm: Machine): StopError | null {
  if (!vm.stopPending) return null
  vm.stopPending = false
  return vm.stopError
}

/** Whether a stop was requested for the machine (the run will end as stopped). */
export function stopRequested(vm: Machine): StopError | null {
  return vm.stopError
}

/**
 * The error a finished run reports: a stopped run reports `StopError` even if the program
 * caught it (the one that escaped, if it was a StopError, else the machine's).
 */
export function finalError(vm: Machine): unknown {
  const stop = vm.stopError
  if (stop === null || vm.error instanceof StopError) return vm.error
  // Another error ended the stopped run (a finally block threw while stopping): the run
  // still ends stopped, and the error is kept on the StopError, never lost.
  if (vm.mode === MODE_FAILED && !(vm.error instanceof Interrupt)) suppress(stop, vm.error)
  return stop
}

/** Adds `error` to `stop.suppressed` (an array, not enumerable), once. */
function suppress(stop: StopError, error: unknown): void {
  const existing = (stop as { suppressed?: unknown[] }).suppressed
  if (existing === undefined) {
    Object.defineProperty(stop, "suppressed", {
      value: [error],
      configurable: true,
      writable: true,
    })
  } else if (!existing.includes(error)) existing.push(error)
}

/** Stops `vm` when `signal` aborts; returns the function that detaches the listener. */
export function stopOnAbort(vm: Machine, signal: AbortSignal | undefined): () => void {
  if (signal === undefined) return noop
  if (signal.aborted) {
    requestStop(vm, signal.reason)
    return noop
  }
  const onAbort = () => requestStop(vm, signal.reason)
  signal.addEventListener("abort", onAbort, { once: true })
  return () => signal.removeEventListener("abort", onAbort)
}

function noop(): void {}
