// A user's own TypeScript file runs with `pnpm exec tsx my-file.ts` from the repository
// root, as docs/cli.md and the guide say (tsx is a root devDependency, not only effvm's).
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))

it("pnpm exec tsx runs a user's .ts file that imports effvm", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(root, ".tsx-check-"))
  try {
    writeFileSync(
      join(dir, "my-file.ts"),
      [
        'import { Effect, fn, handler, run, Transfer, withHandler } from "effvm"',
        "class Ask extends Effect<string> {}",
        'const hello = fn(function* hello() { return "hello, " + (yield* new Ask()) })',
        'const answer = handler((_eff, k) => Transfer(k, "tsx"), { handles: [Ask] })',
        "console.log(run(withHandler(answer, hello())))",
      ].join("\n"),
    )
    const r = spawnSync("pnpm", ["exec", "tsx", join(dir, "my-file.ts")], {
      cwd: root,
      encoding: "utf8",
    })
    expect(r.stderr).toBe("")
    expect(r.stdout.trim()).toBe("hello, tsx")
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
