/**
 * @effvm/vm-core: programs, effects, handlers and the machine that runs them.
 * @packageDocumentation
 */

export {
  Control,
  Delegate,
  Pass,
  Resume,
  ResumeThrow,
  Transfer,
  TransferThrow,
} from "./control.js"
export { Effect, type EffectClass } from "./effect.js"
export {
  type ContextEntry,
  ExecutionContext,
  GetExecutionContext,
  getExecutionContext,
} from "./errors/context.js"
export { ContinuationError, Interrupt, UnhandledEffectError } from "./errors/errors.js"
export { formatTraceback } from "./errors/format.js"
export { JournalDivergenceError } from "./errors/journal-divergence.js"
export type { CaptureStacks } from "./errors/live-lines.js"
export { RecursionError } from "./errors/recursion.js"
export {
  getTraceback,
  type Traceback,
  type TracebackFrame,
  type TracebackSection,
  type TracebackVerdict,
} from "./errors/traceback.js"
export { AwaitExternal, awaitExternal } from "./external.js"
export {
  type AnyHandler,
  type HandlerOptions,
  handler,
  withHandler,
  withHandlers,
} from "./handler.js"
export { HandlerDef, type HandlerFunction } from "./handler-def.js"
export type { Instruction, PerformedBy, ProgramGenerator, Yielded } from "./instruction.js"
export { Continuation } from "./machine/continuation.js"
export type { ContinuationFrame } from "./machine/where.js"
export { intercept, observe } from "./observe.js"
export { type RunOutcome, runOutcome, runOutcomeAsync } from "./outcome.js"
export { fn, Program, program, pure, untracked } from "./program.js"
export {
  createVM,
  type RunOptions,
  run,
  runAsync,
  type StepResult,
  type VM,
  type VMStatus,
} from "./run.js"
export { StopError } from "./stop.js"
export type {
  EffectEventKind,
  EventListener,
  TaskEventKind,
  TraceEvent,
  TraceLevel,
} from "./trace/events.js"
export type {
  Answered,
  AnswerOf,
  EffectsOf,
  Remaining,
  Untracked,
} from "./typing.js"
