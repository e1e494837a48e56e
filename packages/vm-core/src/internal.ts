/**
 * Internals shared with sibling effvm packages (the scheduler). Not part of the public API:
 * anything here may change without notice.
 * @packageDocumentation
 */
export { Continuation } from "./machine/continuation.js"
export { Preempt } from "./machine/builtin-effects.js"
export {
  spawnContinuation,
  armPreemption,
  machineSteps,
  TransferEnrich,
  TaskStart,
} from "./machine/tasks.js"
export { settle } from "./errors/context.js"
export { recordOrigin, originOf } from "./errors/origin.js"
