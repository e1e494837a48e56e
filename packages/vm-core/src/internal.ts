/**
 * Internals shared with sibling effvm packages (the scheduler). Not part of the public API:
 * anything here may change without notice.
 * @packageDocumentation
 */

export { settle } from "./errors/context.js"
export { originOf, recordOrigin } from "./errors/origin.js"
export {
  CapturedSite,
  captureCallerStack,
  type SourceLocation,
  type StackCapture,
} from "./errors/site.js"
export { Preempt } from "./machine/builtin-effects.js"
export { Continuation } from "./machine/continuation.js"
export {
  armPreemption,
  machineSteps,
  spawnContinuation,
  TaskStart,
  TransferEnrich,
} from "./machine/tasks.js"
