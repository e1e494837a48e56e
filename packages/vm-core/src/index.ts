/**
 * @effvm/vm-core: programs, effects, handlers and the machine that runs them.
 * @packageDocumentation
 */
export { Effect, type EffectClass } from "./effect.js"
export { fn, program, pure, Program } from "./program.js"
export type { Yielded, ProgramGenerator, Instruction } from "./instruction.js"
export {
  handler,
  withHandler,
  withHandlers,
  HandlerDef,
  type HandlerFunction,
  type HandlerOptions,
} from "./handler.js"
export {
  Resume,
  Transfer,
  ResumeThrow,
  TransferThrow,
  Pass,
  Delegate,
  Control,
} from "./control.js"
export { Continuation } from "./machine/continuation.js"
export { Interrupt, UnhandledEffectError, ContinuationError } from "./errors/errors.js"
export { AwaitExternal, awaitExternal } from "./external.js"
export {
  GetExecutionContext,
  ExecutionContext,
  getExecutionContext,
  type ContextEntry,
} from "./errors/context.js"
export {
  run,
  runAsync,
  createVM,
  type RunOptions,
  type VM,
  type StepResult,
  type VMStatus,
} from "./run.js"
