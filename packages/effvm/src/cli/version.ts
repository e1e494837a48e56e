import { readFileSync } from "node:fs"

/** The version of the `effvm` package (what `effvm --version` prints). */
export function packageVersion(): string {
  const manifest = new URL("../../package.json", import.meta.url)
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version
}
