// Where the `effvm` command lives, for the examples that run it as a child process.
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const manifestPath = createRequire(import.meta.url).resolve("effvm/package.json")
const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: { effvm: string } }
/** The repository root, where `examples/cli/*.ts` paths start. */
export const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url))

/** Runs `effvm ...args` from the repository root, as `pnpm exec effvm ...args` would. */
export function effvm(...args: string[]): {
  status: number | null
  stdout: string
  stderr: string
} {
  const bin = join(dirname(manifestPath), manifest.bin.effvm)
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repositoryRoot, encoding: "utf8" })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
