import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { parseArguments } from "../src/cli/arguments.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const bin = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url))
const fixture = "packages/effvm/test/fixtures/flaky-orders.ts"
const dir = mkdtempSync(join(tmpdir(), "effvm-journal-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function effvm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env }
  delete env.EFFVM_CAPTURE_STACKS
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe("effvm run --record and effvm replay", () => {
  it("a failed run replays to the same traceback, byte for byte, and the same exit code", () => {
    const file = join(dir, "failed.json")
    const recorded = effvm("run", fixture, "--env", "region=eu", "--record", file)
    expect(recorded.status).toBe(1)
    expect(recorded.stderr).toContain("effvm Traceback (most recent call last):")
    expect(recorded.stderr).toContain('in task 7 "quote widget"')
    const traceback = recorded.stderr.slice(recorded.stderr.indexOf("effvm Traceback"))
    const replayed = effvm("replay", file)
    expect(replayed.status).toBe(1)
    expect(replayed.stdout).toBe("")
    // The log lines came from an outside handler: replay does not call it.
    expect(replayed.stderr).toBe(traceback)
  })

  it("a finished run replays to the same printed value, with random values from the journal", () => {
    const file = join(dir, "done.json")
    const recorded = effvm(
      "run",
      fixture,
      "--export",
      "succeeding",
      "--env",
      "region=us",
      "--record",
      file,
    )
    expect(recorded.status).toBe(0)
    expect(recorded.stdout).toMatch(/^us: 0\.\d+\n$/)
    const replayed = effvm("replay", file)
    expect(replayed).toEqual({ status: 0, stdout: recorded.stdout, stderr: "" })
  })

  it("the journal names the module, the export and the options", () => {
    const file = join(dir, "meta.json")
    effvm(
      "run",
      fixture,
      "--export",
      "succeeding",
      "--env",
      "region=us",
      "--quanta",
      "50",
      "--record",
      file,
    )
    const journal = JSON.parse(readFileSync(file, "utf8"))
    expect(journal.version).toBe(1)
    expect(journal.meta).toEqual({
      module: join(root, fixture),
      export: "succeeding",
      env: { region: "us" },
      virtualClock: false,
      quanta: 50,
      captureStacks: null,
    })
  })

  it("a truncated journal file is refused with a clear message (exit 2)", () => {
    const file = join(dir, "cut.json")
    effvm("run", fixture, "--export", "succeeding", "--env", "region=us", "--record", file)
    const text = readFileSync(file, "utf8")
    writeFileSync(file, text.slice(0, text.length / 2))
    const r = effvm("replay", file)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      /^effvm: .*cut\.json is not a journal: it is not complete JSON .*was the file cut short\?\n$/,
    )
  })

  it("an edited journal file is refused (exit 2)", () => {
    const file = join(dir, "edited.json")
    effvm("run", fixture, "--export", "succeeding", "--env", "region=us", "--record", file)
    const journal = JSON.parse(readFileSync(file, "utf8"))
    const i = journal.entries.findIndex((e: { type: string }) => e.type === "settled")
    journal.entries[i].value = 0.5
    writeFileSync(file, JSON.stringify(journal))
    const r = effvm("replay", file)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("was edited or damaged: its entries no longer match its checksum")
  })

  it("a journal from a newer format version is refused (exit 2)", () => {
    const file = join(dir, "future.json")
    effvm("run", fixture, "--export", "succeeding", "--env", "region=us", "--record", file)
    const journal = JSON.parse(readFileSync(file, "utf8"))
    writeFileSync(file, JSON.stringify({ ...journal, version: 2 }))
    const r = effvm("replay", file)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("has format version 2, newer than this effvm reads (version 1)")
  })

  it("a journal of another program is refused (exit 2)", () => {
    const file = join(dir, "other.json")
    effvm("run", fixture, "--export", "succeeding", "--env", "region=us", "--record", file)
    const journal = JSON.parse(readFileSync(file, "utf8"))
    writeFileSync(
      file,
      JSON.stringify({ ...journal, meta: { ...journal.meta, export: "default" } }),
    )
    const r = effvm("replay", file)
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      'effvm: This journal was recorded for program "scheduled(succeeding)", not "scheduled(checkout)": replay it with the program it was recorded from.\n',
    )
  })

  it("replay --timeline FILE writes the replayed run's timeline page", () => {
    const file = join(dir, "for-timeline.json")
    const page = join(dir, "replayed.html")
    effvm("run", fixture, "--env", "region=eu", "--record", file)
    const r = effvm("replay", file, "--timeline", page)
    expect(r.status).toBe(1)
    const html = readFileSync(page, "utf8")
    expect(html).toContain("<html")
    expect(html).toContain("quote widget")
  })

  it("a missing journal file", () => {
    const r = effvm("replay", join(dir, "nowhere.json"))
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("cannot read the journal file")
  })
})

describe("parseArguments for journals", () => {
  it("run --record FILE", () => {
    expect(parseArguments(["run", "app.ts", "--record", "run.json"])).toMatchObject({
      kind: "run",
      record: "run.json",
    })
    expect(parseArguments(["run", "app.ts", "--record=run.json"])).toMatchObject({
      record: "run.json",
    })
  })

  it("replay FILE [--capture-stacks full]", () => {
    expect(parseArguments(["replay", "run.json"])).toEqual({
      kind: "replay",
      file: "run.json",
      captureStacks: undefined,
      timeline: undefined,
    })
    expect(parseArguments(["replay", "run.json", "--capture-stacks", "full"])).toMatchObject({
      captureStacks: "full",
    })
  })

  it.each([
    [["replay"], "missing journal file: `effvm replay <journal>`"],
    [["replay", "a.json", "b.json"], 'unexpected argument "b.json": replay takes one journal file'],
    [
      ["replay", "a.json", "--quanta", "3"],
      'unknown option "--quanta" for replay: see `effvm --help`',
    ],
    [["run", "app.ts", "--record"], "--record needs a value"],
    [["run", "app.ts", "--record="], "--record needs the path of the journal file to write"],
  ])("%j is a usage error", (argv, message) => {
    expect(() => parseArguments(argv)).toThrow(message)
  })
})
