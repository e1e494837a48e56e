// Fails on purpose: a three-deep chain of programs throws, and the traceback shows every
// frame with the throwing line exact. CI runs it and expects exit code 1 and a traceback.
import { fn, formatTraceback, run } from "@effvm/vm-core"

const parseRecord = fn(function* parseRecord(line: string) {
  if (!line.includes("=")) throw new Error(`corrupt record: ${JSON.stringify(line)}`)
  return line.split("=")
})

const loadSection = fn(function* loadSection(name: string, lines: string[]) {
  const records: string[][] = []
  for (const line of lines) records.push(yield* parseRecord(line))
  return { name, records }
})

const loadConfig = fn(function* loadConfig() {
  return yield* loadSection("server", ["port=8080", "host"])
})

try {
  run(loadConfig())
} catch (error) {
  console.error(formatTraceback(error))
  process.exit(1)
}
