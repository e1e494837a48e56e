/** The machine's modes (docs/semantics.md §4) and its terminal states. */
export const MODE_DELIVER = 0 // send `value` into the top frame
export const MODE_THROW = 1 // throw `value` into the top frame (CLOSE: return() it)
export const MODE_HANDLE_YIELD = 2 // interpret what the top frame yielded
export const MODE_DISPATCH_ERROR = 3 // enrich a user error before throwing it (§5)
export const MODE_RETURN = 4 // the top frame finished with `value`
export const MODE_DONE = 5
export const MODE_FAILED = 6
export const MODE_EXTERNAL = 7 // parked on a JS promise

export const modeNames = [
  "Deliver",
  "Throw",
  "HandleYield",
  "DispatchError",
  "Return",
  "Done",
  "Failed",
  "External",
] as const

export type ModeName = (typeof modeNames)[number]

/** The `Throw` payload that closes frames with `return()` instead of `throw()`. */
export const CLOSE: unique symbol = Symbol("effvm.close")

/** `preemptAt` when no step budget is armed: a step count never reached. */
export const DISARMED = Number.POSITIVE_INFINITY
