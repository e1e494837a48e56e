// Fails on purpose (docs/errors.md, "Helper functions"): the program calls plain functions,
// and the innermost throws. The traceback shows them under the program frame, as Python
// shows helper functions.
import { program, run } from "@effvm/vm-core"

function parsePort(text: string): number {
  return checkedInteger(text, "port")
}

function checkedInteger(text: string, what: string): number {
  const n = Number(text)
  if (!Number.isInteger(n)) throw new RangeError(`${what} is not a whole number: ${text}`)
  return n
}

const configure = program(function* configure() {
  const port = parsePort("80a")
  return { port }
})

try {
  run(configure)
} catch (error) {
  console.error(error)
  process.exit(1)
}
