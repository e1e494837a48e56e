import { formatTraceback, getTraceback } from "@effvm/vm-core"

/** An error as the page shows it: one line for marks and lists, the whole traceback below. */
export interface ErrorText {
  /** `Name: message`, on one line. */
  readonly summary: string
  /** The effvm traceback when the error went through a machine, else its JS stack. */
  readonly traceback: string
}

/**
 * Describes any thrown value. Errors restored from JSON (a plain `{ name, message, stack }`)
 * are read like errors.
 */
export function describeError(error: unknown): ErrorText {
  const summary = summaryOf(error)
  if (getTraceback(error) !== undefined) return { summary, traceback: formatTraceback(error) }
  if (error !== null && typeof error === "object") {
    const stack = (error as { stack?: unknown }).stack
    if (typeof stack === "string" && stack !== "") return { summary, traceback: stack }
  }
  return { summary, traceback: summary }
}

function summaryOf(error: unknown): string {
  if (error !== null && typeof error === "object") {
    const { name, message } = error as { name?: unknown; message?: unknown }
    if (typeof message === "string") {
      const line = `${typeof name === "string" && name !== "" ? name : "Error"}: ${message}`
      return line.split("\n", 1)[0]!
    }
  }
  try {
    return String(error).split("\n", 1)[0]!
  } catch {
    return Object.prototype.toString.call(error)
  }
}
