/**
 * Internals shared with sibling effvm packages (the scheduler). Not part of the public API:
 * anything here may change without notice.
 * @packageDocumentation
 */
export { Continuation } from "./machine/continuation.js"
