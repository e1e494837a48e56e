// The published declarations (each package's dist/*.d.ts, what a user's editor sees) hold
// the public surface only: members tagged @internal are stripped (tsconfig stripInternal).
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const entries = {
  vmCore: `${root}packages/vm-core/dist/index.d.ts`,
  scheduler: `${root}packages/scheduler/dist/index.d.ts`,
}
const program = ts.createProgram(Object.values(entries), { noEmit: true, skipLibCheck: true })
const checker = program.getTypeChecker()

function exported(entry: string, name: string): ts.Symbol {
  const source = program.getSourceFile(entry)
  if (source === undefined) throw new Error(`${entry} is missing: run pnpm build`)
  const moduleSymbol = checker.getSymbolAtLocation(source)
  const symbol = checker.getExportsOfModule(moduleSymbol!).find((s) => s.name === name)
  if (symbol === undefined) throw new Error(`${name} is not exported by ${entry}`)
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
}

describe("published declarations", () => {
  it("Task shows its public members and none of the scheduler's bookkeeping", () => {
    const task = checker.getDeclaredTypeOfSymbol(exported(entries.scheduler, "Task"))
    const names = checker.getPropertiesOfType(task).map((p) => p.name)
    expect(names).toEqual(expect.arrayContaining(["id", "name", "status", "priority", "daemon"]))
    for (const internal of ["state", "k", "resumeMode", "resumeValue", "blocker", "extras"]) {
      expect(names).not.toContain(internal)
    }
  })

  it("getTraceback takes the error only (its cycle guard is internal)", () => {
    const getTraceback = exported(entries.vmCore, "getTraceback")
    const type = checker.getTypeOfSymbolAtLocation(getTraceback, getTraceback.valueDeclaration!)
    const arities = type.getCallSignatures().map((s) => s.parameters.map((p) => p.name))
    expect(arities).toEqual([["error"]])
  })

  it("Continuation shows the effect and whether it can resume, not its machine links", () => {
    const k = checker.getDeclaredTypeOfSymbol(exported(entries.vmCore, "Continuation"))
    const names = checker.getPropertiesOfType(k).map((p) => p.name)
    expect(names).toEqual(expect.arrayContaining(["effect", "resumable"]))
    for (const internal of ["state", "bottom", "trail"]) expect(names).not.toContain(internal)
  })
})
