// Writer, listen, structured logging and defaultHandlers. Run after `pnpm build`:
//   node examples/dist/handlers/writer-and-log.js
import { defaultHandlers, listen, log, logger, tell, writer } from "@effvm/handlers"
import { fn, program, run, withHandler, withHandlers } from "@effvm/vm-core"

// 1. writer collects what is told; listen hears only what its body told (nested too).
const step = fn(function* step(name: string) {
  yield* tell(`start ${name}`)
  yield* tell(`end ${name}`)
  return name.length
})
const pipeline = program(function* pipeline() {
  yield* tell("pipeline begins")
  const [length, heard] = yield* listen<number, string>(step("parse"))
  yield* tell("pipeline ends")
  return { length, heard }
})
const w = writer<string>()
console.log("listen gave:", run(withHandler(w, pipeline)))
console.log("the writer got everything:", w.told)

// 2. logger: structured entries (level, message, args, time) read back after the run.
const job = program(function* job() {
  yield* log("job started", { id: 42 })
  yield* log.debug("details nobody needs")
  yield* log.warn("slow step", { ms: 1200 })
})
const logs = logger({ level: "info" })
run(withHandler(logs, job))
for (const e of logs.entries) console.log(`[${e.level}] ${e.message}`, e.args)

// 3. defaultHandlers: reader, state, writer and logger in one list, each readable by name.
const visit = program(function* visit() {
  yield* log("visit")
  yield* tell("visited")
})
const hs = defaultHandlers({ env: { greeting: "hi" }, state: { visits: 0 } })
run(withHandlers(hs, visit))
console.log("defaults:", hs.writer.told, hs.log.entries.length, "log entry,", hs.state.snapshot())
