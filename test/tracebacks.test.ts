// Tracebacks across packages: the scheduler's own frames never show, crossings carry the
// scheduler's verdict, and a built example shows its TypeScript file through source maps.
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { gather, scheduled, sleep, spawn, VirtualClock, wait } from "@effvm/scheduler"
import { fn, formatTraceback, getTraceback, program, run, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))

function thrownBy(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error, but nothing was thrown")
}

const leafWorker = fn(function* leafWorker(id: string): Generator<Yielded, never, unknown> {
  yield* sleep(1)
  throw new Error(`corrupt data for item ${id}`)
})
const batchWorker = fn(function* batchWorker(n: number): Generator<Yielded, unknown, unknown> {
  const leaf = yield* spawn(leafWorker(`${n}-2`), { name: `leaf ${n}-2` })
  return yield* gather(leaf)
})
const orchestrator = program(function* orchestrator() {
  const batch = yield* spawn(batchWorker(1), { name: "batch 1" })
  return yield* gather(batch)
})

const failure = () => thrownBy(() => run(scheduled(orchestrator, { clock: new VirtualClock() })))

describe("tracebacks across tasks", () => {
  it("never shows the scheduler's own program frames", () => {
    const calls = getTraceback(failure())!.sections.flatMap((s) => s.frames.map((f) => f.call))

    expect(calls).toEqual(["orchestrator()", "batchWorker(1)", 'leafWorker("1-2")'])
    expect(formatTraceback(failure())).not.toMatch(/taskMain|scheduled\(|packages\/scheduler\/src/)
  })

  it("marks the frame an error crossed into with the scheduler's verdict and the failed task", () => {
    const [outer] = getTraceback(failure())!.sections
    const text = formatTraceback(failure())

    expect(outer!.frames.at(-1)!.handlers).toEqual([
      { handler: "scheduler", verdict: "transferred" },
    ])
    expect(text).toContain("    handlers: scheduler ⇢")
    expect(text).toContain("    ⇢ task 2 failed during")
  })

  it("places the raise after the last task separator, and `Type: message` last", () => {
    const text = formatTraceback(failure()).split("\n")

    const separators = text.flatMap((l, i) => (l.startsWith("  ── in task ") ? [i] : []))
    const lastSeparator = separators.at(-1) ?? -1
    const raise = text.findIndex((l) => l.includes("throw new Error(`corrupt data for item"))
    expect(lastSeparator).toBeGreaterThan(0)
    expect(raise).toBeGreaterThan(lastSeparator)
    expect(text.at(-1)).toBe("Error: corrupt data for item 1-2")
  })
})

describe("each crossing carries the spawn boundary of its own task", () => {
  // The raiser catches the error and hands it over as a value; the carrier rethrows it
  // (no new site: the error keeps its origin) and fails; the root waits for the carrier.
  const fails = fn(function* fails(): Generator<Yielded, never, unknown> {
    throw new Error("handed over")
  })
  const raiser = fn(function* raiser(): Generator<Yielded, unknown, unknown> {
    try {
      return yield* fails()
    } catch (error) {
      return error
    }
  })
  const carrier = fn(function* carrier(): Generator<Yielded, never, unknown> {
    const task = yield* spawn(raiser(), { name: "raiser" })
    throw yield* wait(task)
  })
  const main = program(function* main() {
    const task = yield* spawn(carrier(), { name: "carrier" })
    return yield* wait(task)
  })

  it("shows the root's frames without the boundary of a task the error only passed through", () => {
    const error = thrownBy(() => run(scheduled(main, { clock: new VirtualClock() })))
    const [root, raised] = getTraceback(error)!.sections

    expect(root!.frames.map((f) => f.call)).toEqual(["main()"])
    expect(root!.boundary).toBeUndefined()
    expect(raised!.boundary).toMatchObject({ kind: "spawn_boundary", name: "raiser" })
  })
})

describe("source maps", () => {
  const example = `${root}examples/dist/errors/traceback.fails.js`

  it.runIf(existsSync(example))(
    "a built example's traceback shows the .ts file and line, not the built .js",
    () => {
      const r = spawnSync(process.execPath, ["--enable-source-maps", example], {
        cwd: root,
        encoding: "utf8",
      })

      expect(r.status).toBe(1)
      expect(r.stderr).toContain("examples/errors/traceback.fails.ts:")
      expect(r.stderr).not.toContain("traceback.fails.js")
      const raise = /parseRecord\("host"\) {2}examples\/errors\/traceback\.fails\.ts:(\d+)/.exec(
        r.stderr,
      )
      const source = readFileSync(`${root}examples/errors/traceback.fails.ts`, "utf8").split("\n")
      const throwLine = source.findIndex((l) => l.includes("throw new Error(`corrupt record")) + 1
      expect(Number(raise?.[1])).toBe(throwLine)
    },
  )
})
