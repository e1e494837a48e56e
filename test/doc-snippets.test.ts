// The doc-snippet checker (scripts/doc-snippets.mjs, docs/testing.md) on fixture docs: it
// reports a stale block at the doc's own line, fails on a runnable block that throws, and
// accepts fragments, hidden preambles, automatic imports and continued blocks (the continued
// block throws unless it sees the first one's binding).
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))

function check(fixture: string) {
  return spawnSync(
    process.execPath,
    ["scripts/doc-snippets.mjs", "--root", `test/fixtures/doc-snippets/${fixture}`],
    { cwd: root, encoding: "utf8", timeout: 120_000 },
  )
}

// Each check starts tsc over the built packages: seconds of CPU, more on a busy machine.
describe("doc snippets", { timeout: 180_000 }, () => {
  it("names the doc file and line of a block that does not compile", () => {
    const r = check("type-error")
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("docs/broken.md:6:7 - error TS2322")
  })

  it("fails on a runnable block that throws, naming the block", () => {
    const r = check("run-error")
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("docs/throws.md:4 - the block ran and exited 1")
    expect(r.stderr).toContain("this block fails when run")
  })

  it("accepts fragments, hidden preambles and continued runnable blocks", () => {
    const r = check("passing")
    expect(r.stderr).toBe("")
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("4 doc blocks and 0 @examples type-checked, 2 run; 0 problem(s)")
  })
})
