import { factsFor } from "./facts.js"
import { formatTraceback } from "./format.js"

/**
 * The traceback is what a user sees without asking (docs/errors.md): an error leaving `run`
 * or `runAsync` shows its effvm traceback wherever Node shows it. `console.error` and
 * `util.inspect` call the inspect hook, which prints the traceback; Node's own report of an
 * uncaught exception or an unhandled rejection reads `error.stack` instead, so `stack`
 * becomes an accessor that renders the traceback followed by the JS stack's `at` lines
 * (Node brackets a stack without them), when read: nothing is rendered before.
 * `error.message` is not touched; the whole JS stack stays reachable as
 * `error[Symbol.for("effvm.jsStack")]` (a public view: effvm reads it from the error's facts).
 * Only the failure path pays: three property definitions per error that leaves a run.
 */
const jsStackKey: unique symbol = Symbol.for("effvm.jsStack") as never
const inspectKey = Symbol.for("nodejs.util.inspect.custom")

/**
 * @internal makes `error` show its traceback when inspected or when its stack is read.
 * `runSite`, a capture made where the run ended, stands in for an error whose own stack has
 * no user frame (one raised deep in the scheduler, its user callers cut off by V8's limit).
 */
export function showTraceback<E>(error: E, runSite?: Error): E {
  if (!(error instanceof Error)) return error
  const facts = factsFor(error)
  if (facts === undefined || facts.shown) return error
  facts.shown = true
  facts.runSite = runSite
  try {
    const jsStack = (error as { stack?: unknown }).stack
    facts.jsStack = jsStack
    let shown: unknown
    Object.defineProperty(error, jsStackKey, {
      value: jsStack,
      configurable: true,
      enumerable: false,
      writable: true,
    })
    Object.defineProperty(error, "stack", {
      configurable: true,
      enumerable: false,
      get() {
        shown ??= `${formatTraceback(error)}\n${atLines(jsStack)}`.trimEnd()
        return shown
      },
      set(value: unknown) {
        shown = value
      },
    })
    Object.defineProperty(error, inspectKey, {
      configurable: true,
      enumerable: false,
      value: inspectTraceback,
    })
  } catch {
    // a frozen error keeps its own stack
  }
  return error
}

function inspectTraceback(this: object): string {
  return formatTraceback(this)
}

function atLines(stack: unknown): string {
  if (typeof stack !== "string") return ""
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .join("\n")
}
