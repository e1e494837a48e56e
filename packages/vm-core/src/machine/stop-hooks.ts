import { requestStop, type StopError, stopRequested, takeStop } from "../stop.js"
import type { Continuation } from "./continuation.js"
import type { Machine } from "./machine.js"

/**
 * What a scheduler needs to stop a run: request a stop itself (`maxRounds`), see that one
 * was requested, and take the pending stop to deliver it to its tasks.
 */

/** Stops the machine owning `k`, like `vm.stop(reason)`. */
export function stopMachine(k: Continuation<unknown>, reason?: unknown): void {
  requestStop(k.owner as Machine, reason)
}

/** The stop requested for the machine owning `k`, or `null`. */
export function stopRequestedBy(k: Continuation<unknown>): StopError | null {
  return stopRequested(k.owner as Machine)
}

/** Takes the stop not yet delivered at a perform, or `null`. */
export function takeMachineStop(k: Continuation<unknown>): StopError | null {
  return takeStop(k.owner as Machine)
}
