// Every export of every package has a doc comment with an example (the project's
// documentation rule), checked through the TypeScript compiler on the sources.
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const entries = {
  "@effvm/vm-core": "packages/vm-core/src/index.ts",
  "@effvm/vm-core/internal": "packages/vm-core/src/internal.ts",
  "@effvm/handlers": "packages/handlers/src/index.ts",
  "@effvm/scheduler": "packages/scheduler/src/index.ts",
  "@effvm/interop": "packages/interop/src/index.ts",
  "@effvm/durable": "packages/durable/src/index.ts",
  "@effvm/durable/journal": "packages/durable/src/journal/index.ts",
  "@effvm/timeline": "packages/timeline/src/index.ts",
} as const
// The internal entry is for effvm's own packages: a doc comment is required, an example not.
const exampleOptional = new Set(["@effvm/vm-core/internal"])

const program = ts.createProgram(
  Object.values(entries).map((file) => `${root}${file}`),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
  },
)
const checker = program.getTypeChecker()

interface Finding {
  readonly name: string
  readonly missing: "doc comment" | "@example"
}

function findingsOf(entry: keyof typeof entries): Finding[] {
  const source = program.getSourceFile(`${root}${entries[entry]}`)
  if (source === undefined) throw new Error(`cannot load ${entries[entry]}`)
  const moduleSymbol = checker.getSymbolAtLocation(source)
  if (moduleSymbol === undefined) throw new Error(`${entries[entry]} is not a module`)
  const findings: Finding[] = []
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
    const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim()
    const tags = symbol.getJsDocTags(checker)
    if (docs === "" && tags.length === 0) {
      findings.push({ name: exported.name, missing: "doc comment" })
    } else if (!exampleOptional.has(entry) && !tags.some((tag) => tag.name === "example")) {
      findings.push({ name: exported.name, missing: "@example" })
    }
  }
  return findings
}

describe("doc comments", () => {
  for (const entry of Object.keys(entries) as (keyof typeof entries)[]) {
    it(`every export of ${entry} has a doc comment${exampleOptional.has(entry) ? "" : " with an @example"}`, () => {
      expect(findingsOf(entry)).toEqual([])
    })
  }
})
