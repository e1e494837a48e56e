/**
 * @effvm/handlers: the built-in handlers every effectful program needs: reader, keyed
 * state, writer, errors as values, structured logging.
 * @packageDocumentation
 */

/** Effect observation (defined by vm-core, re-exported beside the handlers for convenience). */
export { intercept, observe } from "@effvm/vm-core"
export { type AttemptResult, attempt } from "./attempt.js"
export { type DefaultHandlers, type DefaultHandlersOptions, defaultHandlers } from "./defaults.js"
export { Lazy, lazy } from "./lazy.js"
export {
  Log,
  type LogEntry,
  type LogFunction,
  type LoggerOptions,
  type LogHandler,
  type LogLevel,
  log,
  logger,
} from "./log.js"
export { MissingKeyError } from "./missing.js"
export { Ask, ask, type Environment, local, reader } from "./reader.js"
export {
  Get,
  get,
  Modify,
  modify,
  Put,
  put,
  type StateHandler,
  type StateOptions,
  type StateStore,
  state,
} from "./state.js"
export { type ListenOptions, listen, Tell, tell, type WriterHandler, writer } from "./writer.js"
