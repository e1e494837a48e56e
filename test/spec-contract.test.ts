// The examples of docs/semantics.md, imported the way a user imports them: by package name, from the
// built output (the export lists are checked in test/acceptance). If one fails, the contract moved.
import * as scheduler from "@effvm/scheduler"
import {
  Effect,
  fn,
  formatTraceback,
  getTraceback,
  handler,
  Pass,
  run,
  Transfer,
  withHandler,
  type Yielded,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

class Ask<T> extends Effect<T> {
  constructor(readonly key: string) {
    super()
  }
}

const greet = fn(function* greet(name: string) {
  const greeting = yield* new Ask<string>("greeting")
  return `${greeting}, ${name}`
})

const reader = (env: Record<string, unknown>) =>
  handler<Ask<unknown>>(function* reader(eff, k) {
    if (eff instanceof Ask) return yield* Transfer(k, env[eff.key])
    return yield* Pass()
  })

describe("docs/semantics.md §2–§3 examples", () => {
  it("greet under the reader example evaluates to 'hi, ada'", () => {
    expect(run(withHandler(reader({ greeting: "hi" }), greet("ada")))).toBe("hi, ada")
  })

  it("a program is lazy and re-runnable: each run starts a fresh generator", () => {
    const p = greet("ada")
    const env = reader({ greeting: "hello" })
    expect(run(withHandler(env, p))).toBe("hello, ada")
    expect(run(withHandler(env, p))).toBe("hello, ada")
  })
})

describe("docs/semantics.md §6 traceback example: root → batch → leaf through gather", () => {
  const { gather, scheduled, spawn, VirtualClock } = scheduler

  const leafWorker = fn(function* leafWorker(id: string): Generator<Yielded, never, unknown> {
    yield* scheduler.sleep(1)
    throw new Error(`corrupt data for item ${id}`)
  })
  const batchWorker = fn(function* batchWorker(batch: number) {
    const tasks = []
    for (let i = 1; i <= 2; i++)
      tasks.push(yield* spawn(leafWorker(`${batch}-${i}`), { name: `leaf ${batch}-${i}` }))
    return yield* gather(...tasks)
  })
  const orchestrator = fn(function* orchestrator() {
    const batch = yield* spawn(batchWorker(1), { name: "batch 1" })
    return yield* gather(batch)
  })

  const failure = (): unknown => {
    try {
      run(scheduled(orchestrator(), { clock: new VirtualClock() }))
    } catch (error) {
      return error
    }
    throw new Error("the orchestrator did not fail")
  }

  it("renders both separators in order, then the throwing line, then Type: message last", () => {
    const text = formatTraceback(failure())
    const lines = text.trimEnd().split("\n")
    expect(lines[0]).toBe("effvm Traceback (most recent call last):")
    expect(lines.at(-1)).toBe("Error: corrupt data for item 1-1")
    const batchSeparator = lines.findIndex((l) => l.includes('"batch 1"'))
    const leafSeparator = lines.findIndex((l) => l.includes('"leaf 1-1"'))
    const raise = lines.findIndex((l) => l.includes("throw new Error(`corrupt data"))
    expect(batchSeparator).toBeGreaterThan(0)
    expect(leafSeparator).toBeGreaterThan(batchSeparator)
    expect(raise).toBeGreaterThan(leafSeparator)
    expect(text.indexOf("orchestrator(")).toBeLessThan(text.indexOf('"batch 1"'))
  })

  it("the structured traceback names the three tasks' frames outermost first", () => {
    const traceback = getTraceback(failure())
    const names =
      traceback?.sections.flatMap((section) =>
        section.frames.map((frame) => frame.call.split("(")[0]),
      ) ?? []
    const programFrames = names.filter((name) =>
      ["orchestrator", "batchWorker", "leafWorker"].includes(name),
    )
    expect(programFrames).toEqual(["orchestrator", "batchWorker", "leafWorker"])
  })
})
