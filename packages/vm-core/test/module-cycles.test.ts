// How vm-core's modules depend on each other at run time: the one import cycle allowed is
// the machine's genuine recursion, performing (a dispatch ends handlers, which closes them)
// and closing (a closed region's plan continues a dispatch). docs/architecture.md has the
// module map.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../src")

/** The cycles allowed, as sorted module paths: the machine's perform ↔ close recursion. */
const ALLOWED = [["machine/close.ts", "machine/perform.ts"]]

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith(".ts") ? [path] : []
  })
}

/**
 * The relative modules `file` imports (or re-exports from) for their values: an import
 * whose every name is marked `type` is erased, so it is no dependency at run time.
 */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8")
  const out: string[] = []
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s*from\s+"(\.[^"]+)"/gms)) {
    const clause = m[3]!
    if (m[2] !== undefined) continue
    const names = /\{([^}]*)\}/.exec(clause)
    const bare = clause.replace(/\{[^}]*\}/, "").replace(/[\s,]/g, "")
    if (names !== null && bare === "") {
      const specifiers = names[1]!
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
      if (specifiers.length > 0 && specifiers.every((s) => s.startsWith("type "))) continue
    }
    out.push(resolve(dirname(file), m[4]!).replace(/\.js$/, ".ts"))
  }
  return out
}

/** The strongly connected components of more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1) found.push(component)
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

describe("vm-core's module graph", () => {
  it("has no import cycle at run time but the machine's perform ↔ close recursion (and the traceback's)", () => {
    const graph = new Map(sourceFiles(src).map((f) => [f, runtimeImports(f)]))
    const found = cycles(graph)
      .map((c) => c.map((f) => relative(src, f).replaceAll("\\", "/")).sort())
      .sort()
    expect(found).toEqual(ALLOWED)
  })
})
