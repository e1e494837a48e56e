// A program module that fails on purpose (docs/cli.md): a task spawned by another task
// throws, and `effvm run examples/cli/crash.ts` prints the traceback across both tasks
// to stderr and exits with code 1.
import { fn, program, spawn, wait } from "effvm"

const parsePort = fn(function* parsePort(text: string) {
  const port = Number(text)
  if (!Number.isInteger(port)) throw new RangeError(`not a port number: ${JSON.stringify(text)}`)
  return port
})

const loadSettings = fn(function* loadSettings() {
  return { port: yield* parsePort("80a") }
})

export default program(function* startServer() {
  const settings = yield* spawn(loadSettings(), { name: "settings" })
  return yield* wait(settings)
})
