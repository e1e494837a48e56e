import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { parseArguments, UsageError } from "../src/cli/arguments.js"

function usageErrorOf(argv: string[]): string {
  try {
    parseArguments(argv)
  } catch (error) {
    if (error instanceof UsageError) return error.message
    throw error
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)}`)
}

describe("parseArguments", () => {
  it("reads every run option, in either spelling", () => {
    expect(
      parseArguments([
        "run",
        "app.ts",
        "--export",
        "main",
        "--env",
        "a=1",
        "--env=b=x=y",
        "--capture-stacks=full",
        "--virtual-clock",
        "--quanta",
        "50",
      ]),
    ).toEqual({
      kind: "run",
      module: "app.ts",
      exportName: "main",
      env: { a: "1", b: "x=y" },
      captureStacks: "full",
      virtualClock: true,
      quanta: 50,
    })
  })

  it("defaults to the default export, an empty env, the real clock and default quanta", () => {
    expect(parseArguments(["run", "app.js"])).toEqual({
      kind: "run",
      module: "app.js",
      exportName: "default",
      env: {},
      captureStacks: undefined,
      virtualClock: false,
      quanta: undefined,
    })
  })

  it("recognises help and version", () => {
    for (const argv of [["--help"], ["-h"], ["help"], ["run", "--help"]]) {
      expect(parseArguments(argv)).toEqual({ kind: "help" })
    }
    expect(parseArguments(["--version"])).toEqual({ kind: "version" })
    expect(parseArguments(["-v"])).toEqual({ kind: "version" })
  })

  it("accepts quanta 0 and Infinity (preemption off)", () => {
    expect(parseArguments(["run", "a.ts", "--quanta", "0"])).toMatchObject({ quanta: 0 })
    expect(parseArguments(["run", "a.ts", "--quanta=Infinity"])).toMatchObject({
      quanta: Number.POSITIVE_INFINITY,
    })
  })

  it("reads --timeline FILE, in either spelling", () => {
    expect(parseArguments(["run", "a.ts", "--timeline", "run.html"])).toMatchObject({
      timeline: "run.html",
    })
    expect(parseArguments(["run", "a.ts", "--timeline=out/run.html"])).toMatchObject({
      timeline: "out/run.html",
    })
  })

  it("asks for the file when --timeline has none", () => {
    expect(usageErrorOf(["run", "a.ts", "--timeline"])).toBe("--timeline needs a value")
    expect(usageErrorOf(["run", "a.ts", "--timeline="])).toBe(
      "--timeline needs the path of the HTML file to write",
    )
  })

  it("names the offending value in one line", () => {
    expect(usageErrorOf([])).toBe("missing command: try `effvm run <module>`")
    expect(usageErrorOf(["go", "a.ts"])).toBe(
      'unknown command "go": the command is `effvm run <module>`',
    )
    expect(usageErrorOf(["run"])).toBe("missing module: `effvm run <module>`")
    expect(usageErrorOf(["run", "a.ts", "b.ts"])).toBe(
      'unexpected argument "b.ts": run takes one module',
    )
    expect(usageErrorOf(["run", "a.ts", "--turbo"])).toBe(
      'unknown option "--turbo": see `effvm --help`',
    )
    expect(usageErrorOf(["run", "a.ts", "--export"])).toBe("--export needs a value")
    expect(usageErrorOf(["run", "a.ts", "--env", "region"])).toBe(
      '--env expects KEY=VALUE, got "region"',
    )
    expect(usageErrorOf(["run", "a.ts", "--capture-stacks", "some"])).toBe(
      '--capture-stacks accepts only "full", got "some"',
    )
    expect(usageErrorOf(["run", "a.ts", "--quanta", "-1"])).toMatch(/--quanta expects .*got "-1"/)
    expect(usageErrorOf(["run", "a.ts", "--quanta", "2.5"])).toMatch(/--quanta expects .*got "2.5"/)
    expect(usageErrorOf(["run", "a.ts", "--virtual-clock=yes"])).toBe(
      "--virtual-clock takes no value",
    )
  })

  it("keeps every --env pair exactly, whatever the value (property)", () => {
    const key = fc.oneof(
      fc.constantFrom("__proto__", "constructor", "toString"),
      fc.string({ minLength: 1 }).filter((k) => !k.includes("=")),
    )
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.string()), { selector: ([k]) => k }), (pairs) => {
        const argv = ["run", "a.ts", ...pairs.flatMap(([k, v]) => ["--env", `${k}=${v}`])]
        const parsed = parseArguments(argv)
        const byKey = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : 1)
        expect(parsed.kind === "run" && Object.entries(parsed.env).sort(byKey)).toEqual(
          [...pairs].sort(byKey),
        )
      }),
    )
  })
})
