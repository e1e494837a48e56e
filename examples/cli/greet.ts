// A program module for the effvm command (docs/cli.md). Run it with
//   pnpm exec effvm run examples/cli/greet.ts --env greeting=hello --virtual-clock
// Its default export is a program: the command runs it under the scheduler and the
// default handlers, so ask() reads --env values and log() prints to stderr.
import { ask, fn, gather, log, program, sleep } from "effvm"

const greetLater = fn(function* greetLater(name: string, delayMs: number) {
  yield* sleep(delayMs)
  const greeting = yield* ask<string>("greeting")
  yield* log(`greeted ${name} after ${delayMs} ms`)
  return `${greeting}, ${name}`
})

export default program(function* greetEveryone() {
  const lines = yield* gather(greetLater("ada", 200), greetLater("grace", 100))
  return lines.join("\n")
})
