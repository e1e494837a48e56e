/**
 * Internals shared with sibling effvm packages (the scheduler). Not part of the public API:
 * anything here may change without notice.
 * @packageDocumentation
 */

export {
  type ControlOp,
  OP_CLOSE,
  OP_DELEGATE,
  OP_PASS,
  OP_RESUME,
  OP_RESUME_THROW,
  OP_TRANSFER,
  OP_TRANSFER_ENRICH,
  OP_TRANSFER_THROW,
} from "./control.js"
export { markStepped } from "./direct.js"
export { describeValue } from "./effect.js"
export { attachContext, settle } from "./errors/context.js"
export { type EscapedFrom, escapedFrom, noteEscape } from "./errors/escape.js"
export { addSuppressed } from "./errors/facts.js"
export { noteBoundary, recordOrigin } from "./errors/origin.js"
export {
  CapturedSite,
  captureCallerStack,
  type SourceLocation,
  type StackCapture,
} from "./errors/site.js"
export { callOf } from "./errors/traceback.js"
export { Preempt } from "./machine/builtin-effects.js"
export { CloseContinuation, performedInCleanup, regionClosing } from "./machine/close-request.js"
export { Continuation } from "./machine/continuation.js"
export type { Frame } from "./machine/frames.js"
export {
  insideRegion,
  type JournalPort,
  Settlement,
  type WatchdogFiring,
} from "./machine/journal-port.js"
export {
  armPreemption,
  currentTask,
  enterTask,
  journalOf,
  machineSteps,
  pauseStepBudget,
  performedInside,
  resumeStepBudget,
  runOf,
  setChoiceLog,
  stopMachine,
  stopRequestedBy,
  takeMachineStop,
  tracerOf,
  wantsChoices,
} from "./machine/scheduler-port.js"
export { Signal, WaitSignal } from "./machine/signal.js"
export {
  forkTaskLocals,
  type TaskLocalKey,
  type TaskLocalsHolder,
} from "./machine/task-slot.js"
export {
  handlersBetween,
  releaseEnded,
  spawnContinuation,
  spawnTaskContinuation,
  TaskStart,
  TransferEnrich,
} from "./machine/tasks.js"
export { performLiveOnRerun } from "./multishot.js"
export { journaledOutcome } from "./outcome.js"
export { factoryDef, notAProgramHint } from "./program.js"
export { markUntraced, type Tracer } from "./trace/tracer.js"
