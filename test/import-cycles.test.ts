// A package's modules form a layering: no module depends on one that depends back on it.
// A cycle means two ideas are tangled (or one idea is split in the wrong place), and it
// makes the module maps in docs/architecture.md a lie. The scheduler has none, type-only
// imports included; vm-core has one at run time, the machine's genuine recursion.
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

function moduleFile(from: string, specifier: string): string | undefined {
  const target = resolve(dirname(from), specifier).replace(/\.js$/, ".ts")
  if (existsSync(target)) return target
  if (existsSync(join(target, "index.ts"))) return join(target, "index.ts")
  return undefined
}

/** The relative imports and re-exports of `file`, type-only ones included. */
function everyImport(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true)
  return info.importedFiles
    .filter(({ fileName }) => fileName.startsWith("."))
    .flatMap(({ fileName }) => moduleFile(file, fileName) ?? [])
}

/**
 * The relative modules `file` imports (or re-exports from) for their values: an import
 * whose every name is marked `type` is erased, so it is no dependency at run time.
 */
function runtimeImports(file: string): string[] {
  const out: string[] = []
  const text = readFileSync(file, "utf8")
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s*from\s+"(\.[^"]+)"/gms)) {
    if (m[2] !== undefined) continue
    const clause = m[3]!
    const names = /\{([^}]*)\}/.exec(clause)
    const bare = clause.replace(/\{[^}]*\}/, "").replace(/[\s,]/g, "")
    if (names !== null && bare === "") {
      const specifiers = names[1]!
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
      if (specifiers.length > 0 && specifiers.every((s) => s.startsWith("type "))) continue
    }
    const target = moduleFile(file, m[4]!)
    if (target !== undefined) out.push(target)
  }
  return out
}

/** Every import cycle among the modules under `dir` (Tarjan's strongly connected components). */
function importCycles(dir: string, importsOf: (file: string) => string[]): string[][] {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(dir)) graph.set(file, importsOf(file))
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
      if (!graph.has(w)) continue
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
      component.push(relative(dir, w).replaceAll("\\", "/"))
    } while (w !== v)
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort())
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return cycles.sort()
}

describe("import cycles", () => {
  it("packages/scheduler/src has none, type-only imports included", () => {
    expect(importCycles(join(root, "packages/scheduler/src"), everyImport)).toEqual([])
  })

  it("packages/vm-core/src has one at run time: the machine's perform ↔ close recursion", () => {
    // Performing ends a generator handler, which is closed; a closed region's plan continues
    // a dispatch or resumes.
    expect(importCycles(join(root, "packages/vm-core/src"), runtimeImports)).toEqual([
      ["machine/close.ts", "machine/perform.ts"],
    ])
  })
})
