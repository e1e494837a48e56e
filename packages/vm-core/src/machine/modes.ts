/**
 * The machine's modes (docs/semantics.md §4) and its terminal states. The values are small
 * integers so the loop's switch stays a jump table; nothing depends on their order.
 */
export const MODE_DELIVER = 0 // send `value` into the top frame
export const MODE_THROW = 1 // throw `value` into the top frame (CLOSE: return() it)
export const MODE_HANDLE_YIELD = 2 // interpret what the top frame yielded
export const MODE_DISPATCH_ERROR = 3 // enrich a user error before throwing it (§5)
export const MODE_RETURN = 4 // the top frame finished with `value`
export const MODE_DONE = 5
export const MODE_FAILED = 6
export const MODE_EXTERNAL = 7 // parked on a JS promise

/** A mode in which the loop takes steps. */
export type StepMode =
  | typeof MODE_DELIVER
  | typeof MODE_THROW
  | typeof MODE_HANDLE_YIELD
  | typeof MODE_DISPATCH_ERROR
  | typeof MODE_RETURN

/** A mode the loop stops in: the run ended, or it waits on a promise. */
export type StopMode = typeof MODE_DONE | typeof MODE_FAILED | typeof MODE_EXTERNAL

/** Every mode of the machine. */
export type Mode = StepMode | StopMode

/** What `advance` returns when its step limit ran out first. */
export const STEPS_LEFT_OVER = -1

// The names, once: `ModeName` is read from them (modeName maps each mode to its own).
const modeNames = [
  "Deliver",
  "Throw",
  "HandleYield",
  "DispatchError",
  "Return",
  "Done",
  "Failed",
  "External",
] as const

/** How `vm.mode` names each mode. */
export type ModeName = (typeof modeNames)[number]

/** The name of `mode`, as `vm.mode` shows it. */
export function modeName(mode: Mode): ModeName {
  switch (mode) {
    case MODE_DELIVER:
      return "Deliver"
    case MODE_THROW:
      return "Throw"
    case MODE_HANDLE_YIELD:
      return "HandleYield"
    case MODE_DISPATCH_ERROR:
      return "DispatchError"
    case MODE_RETURN:
      return "Return"
    case MODE_DONE:
      return "Done"
    case MODE_FAILED:
      return "Failed"
    case MODE_EXTERNAL:
      return "External"
  }
}

/** Whether the run has ended (done or failed; a park is not an end). */
export function hasEnded(mode: Mode): boolean {
  return mode === MODE_DONE || mode === MODE_FAILED
}

/** The `Throw` payload that closes frames with `return()` instead of `throw()`. */
export const CLOSE: unique symbol = Symbol("effvm.close")

/** `preemptAt` when no step budget is armed: a step count never reached. */
export const DISARMED = Number.POSITIVE_INFINITY
