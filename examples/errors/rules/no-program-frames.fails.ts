// Fails on purpose (docs/errors.md, "Errors no machine saw"): the error is thrown by plain
// code before any program runs (as a module that fails while it loads). formatTraceback
// renders the user frames of its JS stack, never an empty traceback.
import { formatTraceback } from "@effvm/vm-core"

function readSettings(text: string): Record<string, string> {
  if (!text.includes("=")) throw new SyntaxError(`settings must be key=value lines, got ${text}`)
  return Object.fromEntries(text.split("\n").map((line) => line.split("=")))
}

try {
  readSettings("port: 8080")
} catch (error) {
  console.error(formatTraceback(error))
  process.exit(1)
}
