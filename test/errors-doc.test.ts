// docs/errors.md shows real runs (regenerated and compared here), and Node's own report of
// an uncaught rejection prints the effvm traceback.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))

function node(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env }
  delete env.EFFVM_CAPTURE_STACKS
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env,
    timeout: 120_000,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe("docs/errors.md", () => {
  it("every traceback sample in it matches a real run of its example", () => {
    expect(existsSync(`${root}examples/dist/errors/uncaught.fails.js`)).toBe(true)

    const r = node("scripts/errors-doc.mjs", "--check")

    expect(r.stderr).toBe("")
    expect(r.status).toBe(0)
  })
})

describe("Node's own report of an uncaught rejection", () => {
  it("prints the effvm traceback with the chain of tasks, then the JS stack", () => {
    const r = node("--enable-source-maps", "examples/dist/errors/uncaught.fails.js")

    expect(r.status).toBe(1)
    expect(r.stderr).toContain("effvm Traceback (most recent call last):")
    expect(r.stderr).toContain(
      '── in task 2 "holiday" (spawned at main() examples/errors/uncaught.fails.ts:',
    )
    expect(r.stderr).toContain(
      '── in task 4 "holiday/hotel.bmp" (spawned at album("holiday", ["beach.jpg", "hotel.bmp"]) examples/errors/uncaught.fails.ts:',
    )
    expect(r.stderr).toMatch(/Error: cannot resize hotel\.bmp: unsupported format\n {4}at resize /)
  })
})
