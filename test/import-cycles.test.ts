// A package's modules form a layering: no module depends, even for a type only, on one
// that depends back on it. A cycle means two ideas are tangled (or one idea is split in
// the wrong place), and it makes the module map in docs/architecture.md a lie.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))

function sourceFiles(dir: string): string[] {
  const files: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path))
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) files.push(path)
  }
  return files
}

/** The relative imports and re-exports of `file` (type-only ones included), as files. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true)
  const out: string[] = []
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith(".")) continue
    const target = resolve(dirname(file), fileName).replace(/\.js$/, ".ts")
    if (existsSync(target)) out.push(target)
    else if (existsSync(join(target, "index.ts"))) out.push(join(target, "index.ts"))
  }
  return out
}

/** Every import cycle among the modules under `dir`: its strongly connected components. */
function importCycles(dir: string): string[][] {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(dir)) graph.set(file, importsOf(file))
  // Tarjan's algorithm.
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) !== index.get(v)) return
    const component: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      component.push(relative(dir, w))
    } while (w !== v)
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort())
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return cycles
}

describe("import cycles", () => {
  it("packages/scheduler/src has none, type-only imports included", () => {
    expect(importCycles(join(root, "packages/scheduler/src"))).toEqual([])
  })
})
