import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const bin = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url))
const fixtures = "packages/effvm/test/fixtures"

/** Runs the built `effvm` command from the repository root. */
function effvm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm run build\` first`)
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: environmentWithout("EFFVM_CAPTURE_STACKS"),
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** This process's environment without `name`, so the child starts from a known state. */
function environmentWithout(name: string): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env[name]
  return env
}

describe("effvm run", () => {
  it("runs a TypeScript example's default program and prints its value", () => {
    const r = effvm("run", "examples/cli/greet.ts", "--env", "greeting=hello", "--virtual-clock")

    expect(r.stdout).toBe("hello, ada\nhello, grace\n")
    expect(r.status).toBe(0)
  })

  it("prints log() entries to stderr, leaving stdout to the result", () => {
    const r = effvm("run", "examples/cli/greet.ts", "--env", "greeting=hello", "--virtual-clock")

    expect(r.stderr).toBe("[info] greeted grace after 100 ms\n[info] greeted ada after 200 ms\n")
  })

  it("prints the traceback of a failing example to stderr and exits 1", () => {
    const r = effvm("run", "examples/cli/crash.ts")

    expect(r.status).toBe(1)
    expect(r.stdout).toBe("")
    expect(r.stderr).toContain("effvm Traceback (most recent call last):")
    expect(r.stderr).toContain(
      '── in task 2 "settings" (spawned at startServer() examples/cli/crash.ts',
    )
    expect(r.stderr).toContain('parsePort("80a")  examples/cli/crash.ts:8')
    expect(r.stderr.trimEnd().endsWith('RangeError: not a port number: "80a"')).toBe(true)
  })

  it("puts every --env KEY=VALUE into the reader's environment", () => {
    const r = effvm(
      "run",
      `${fixtures}/settings.ts`,
      "--env",
      "region=eu-west",
      "--env",
      "unused=1",
    )

    expect(r.stdout).toBe("region=eu-west stacks=default\n")
  })

  it("accepts --capture-stacks full and sets EFFVM_CAPTURE_STACKS=full for the run", () => {
    const r = effvm("run", `${fixtures}/settings.ts`, "--env=region=eu", "--capture-stacks", "full")

    expect(r.stdout).toBe("region=eu stacks=full\n")
    expect(r.status).toBe(0)
  })

  it("with --capture-stacks full, every frame of the traceback shows its live line", () => {
    const byDefault = effvm("run", "examples/cli/crash.ts")
    const full = effvm("run", "examples/cli/crash.ts", "--capture-stacks", "full")

    // By default the outer frames show their definition sites…
    expect(byDefault.stderr).toContain("startServer()  (defined at) examples/cli/crash.ts:16")
    expect(byDefault.stderr).toContain("loadSettings()  (defined at) examples/cli/crash.ts:12")
    // …under full capture, the line each frame was suspended at.
    expect(full.stderr).toContain("startServer()  examples/cli/crash.ts:18")
    expect(full.stderr).toContain("    return yield* wait(settings)")
    expect(full.stderr).toContain("loadSettings()  examples/cli/crash.ts:13")
    expect(full.stderr).toContain('    return { port: yield* parsePort("80a") }')
    expect(full.status).toBe(1)
  })

  it("runs a JavaScript module whose default export is a function returning a program", () => {
    const r = effvm("run", `${fixtures}/factory.js`)

    expect(r.stdout).toBe("{ count: 3, first: 'a' }\n")
  })

  it("runs a named export with --export, also a function returning a promise of a program", () => {
    expect(effvm("run", `${fixtures}/exports.ts`, "--export", "answer").stdout).toBe("42\n")
    expect(effvm("run", `${fixtures}/exports.ts`, "--export=makesLater").stdout).toBe(
      "made asynchronously\n",
    )
  })

  it("prints nothing for a program whose value is undefined", () => {
    const r = effvm("run", `${fixtures}/exports.ts`, "--export", "undefinedResult")

    expect(r).toEqual({ status: 0, stdout: "", stderr: "" })
  })

  it("runs sleeps on a VirtualClock under --virtual-clock: an hour passes at once", () => {
    const started = Date.now()
    const r = effvm("run", `${fixtures}/exports.ts`, "--export", "sleepsAnHour", "--virtual-clock")

    expect(r.stdout).toBe("woke up\n")
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it("passes --quanta to the scheduler (a bad value is rejected)", () => {
    expect(
      effvm(
        "run",
        "examples/cli/greet.ts",
        "--env",
        "greeting=yo",
        "--virtual-clock",
        "--quanta",
        "5",
      ).stdout,
    ).toBe("yo, ada\nyo, grace\n")
    const bad = effvm("run", "examples/cli/greet.ts", "--quanta", "fast")
    expect(bad.status).toBe(2)
    expect(bad.stderr).toBe(
      'effvm: --quanta expects a whole number of steps >= 0 (0 turns preemption off), got "fast"\n',
    )
  })

  it("reports a module that throws while loading, with its error, and exits 1", () => {
    const r = effvm("run", `${fixtures}/broken-at-load.ts`)

    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`effvm: loading ${fixtures}/broken-at-load.ts failed:`)
    expect(r.stderr).toContain("Error: configuration file missing")
  })

  it("renders a module that throws while loading as the traceback of its own frames, never an empty one", () => {
    const r = effvm("run", `${fixtures}/broken-at-load.ts`)

    expect(r.stderr).toContain("effvm Traceback (most recent call last):")
    expect(r.stderr).toContain(`${fixtures}/broken-at-load.ts:4`)
    expect(r.stderr).toContain('    throw new Error("configuration file missing")')
    expect(r.stderr).not.toMatch(/node:internal|packages\/effvm\/(?:src|dist)/)
  })

  it("reports an export function that throws when called, and exits 1", () => {
    const r = effvm("run", `${fixtures}/exports.ts`, "--export", "throwsWhenCalled")

    expect(r.status).toBe(1)
    expect(r.stderr).toContain("Error: factory exploded")
  })
})

describe("effvm bad input: one clear line, exit code 2", () => {
  it("a default export that is an uncalled fn(...) factory: says to export a program, runs nothing", () => {
    const r = effvm("run", `${fixtures}/uncalled-factory.ts`)

    expect(r.status).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr).toBe(
      `effvm: the default export of ${fixtures}/uncalled-factory.ts is the program factory greet (made by fn()), not a program: export a program, e.g. export default greet(...) called with its arguments, or program(function* main() { ... })\n`,
    )
  })

  it("a missing module file", () => {
    const r = effvm("run", "examples/cli/nope.ts")

    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      `effvm: cannot find module file "examples/cli/nope.ts" (looked at ${root}examples/cli/nope.ts)\n`,
    )
  })

  it("no such export", () => {
    const r = effvm("run", `${fixtures}/exports.ts`, "--export", "missing")

    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      `effvm: ${fixtures}/exports.ts has no export named "missing" (its exports: answer, makesLater, makesNumber, notAProgram, sleepsAnHour, throwsWhenCalled, undefinedResult)\n`,
    )
  })

  it("no default export", () => {
    const r = effvm("run", `${fixtures}/exports.ts`)

    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      /^effvm: .*exports\.ts has no default export \(its exports: .*\); pick one with --export NAME\n$/,
    )
  })

  it("an export that is not a program", () => {
    const r = effvm("run", `${fixtures}/exports.ts`, "--export", "notAProgram")

    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      /^effvm: the export "notAProgram" of .*exports\.ts is a number \(42\), not a program: .*\n$/,
    )
  })

  it("a function export that returns something else than a program", () => {
    const r = effvm("run", `${fixtures}/exports.ts`, "--export", "makesNumber")

    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/is a function, but it returned a number \(7\), not a program\n$/)
  })

  it("an unknown option, a missing module, an unknown command", () => {
    for (const args of [["run", "x.ts", "--fast"], ["run"], ["start", "x.ts"], []]) {
      const r = effvm(...args)
      expect(r.status).toBe(2)
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1)
      expect(r.stderr.startsWith("effvm: ")).toBe(true)
    }
  })
})

describe("effvm --help and --version", () => {
  it("--help prints the usage and every option", () => {
    const r = effvm("--help")

    expect(r.status).toBe(0)
    for (const option of ["--export", "--env", "--capture-stacks", "--virtual-clock", "--quanta"]) {
      expect(r.stdout).toContain(option)
    }
  })

  it("--version prints the package version", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))

    expect(effvm("--version")).toEqual({ status: 0, stdout: `${manifest.version}\n`, stderr: "" })
  })
})

describe("effvm run, stopped by a signal", () => {
  it("turns SIGINT into a stop: the program's finally blocks run, exit code 130", async () => {
    const { spawn } = await import("node:child_process")
    const child = spawn(process.execPath, [bin, "run", `${fixtures}/forever.ts`], {
      cwd: root,
      env: environmentWithout("EFFVM_CAPTURE_STACKS"),
    })
    let stdout = ""
    let stderr = ""
    child.stderr.on("data", (chunk) => {
      stderr += chunk
    })
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve))
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk) => {
        stdout += chunk
        if (stdout.includes("started")) resolve()
      }),
    )
    child.kill("SIGINT")

    expect(await exited).toBe(130)
    expect(stdout).toBe("started\ncleaned up\n")
    expect(stderr).toContain("effvm: stopped by SIGINT")
  })
})
