import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const bin = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "effvm-timeline-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the built `effvm` command from the repository root. */
function effvm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm run build\` first`)
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe("effvm run --timeline FILE", () => {
  it("writes the timeline page of a failing run, with every task and the traceback", () => {
    const file = join(dir, "shop.html")
    const r = effvm(
      "run",
      "examples/timeline/shop.ts",
      "--virtual-clock",
      "--env",
      "depot=north",
      "--timeline",
      file,
    )
    const html = readFileSync(file, "utf8")

    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/effvm: timeline of \d+ events written to .*shop\.html\n$/)
    expect(html.startsWith("<!doctype html>")).toBe(true)
    for (const task of ["checkout", "inventory", "payments", "courier", "charge o-15"]) {
      expect(html).toContain(`"${task}"`)
    }
    expect(html).toContain('The run failed in task 9 "charge o-15":')
    expect(html).toContain("card declined for order o-15")
  })

  it("writes the timeline of a run that succeeds, leaving stdout to the result", () => {
    const file = join(dir, "greet.html")
    const r = effvm(
      "run",
      "examples/cli/greet.ts",
      "--env",
      "greeting=hello",
      "--virtual-clock",
      `--timeline=${file}`,
    )

    expect(r.status).toBe(0)
    expect(r.stdout).toBe("hello, ada\nhello, grace\n")
    expect(readFileSync(file, "utf8")).toContain('"greetLater"')
  })

  it("exits 2 naming the file when it cannot be written", () => {
    const file = join(dir, "no-such-folder", "run.html")
    const r = effvm("run", "examples/cli/greet.ts", "--virtual-clock", "--timeline", file)

    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`effvm: could not write the timeline to ${file}:`)
  })
})
