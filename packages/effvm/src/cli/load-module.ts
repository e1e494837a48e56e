import { statSync } from "node:fs"
import { extname, relative, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Program } from "@effvm/vm-core"
import { factoryDef } from "@effvm/vm-core/internal"

/** Input the command cannot run: the message is the one line the user sees (exit 2). */
export class BadInput extends Error {
  constructor(message: string) {
    super(message)
    this.name = "BadInput"
  }
}

/** User code failed while the module loaded or its export was called (exit 1). */
export class ModuleFailure extends Error {
  constructor(
    readonly stage: string,
    readonly error: unknown,
  ) {
    super(stage)
    this.name = "ModuleFailure"
  }
}

const TYPESCRIPT = new Set([".ts", ".mts", ".cts", ".tsx"])
let typescriptLoader: Promise<unknown> | undefined

/**
 * Loads `modulePath` and turns its export `exportName` into the program to run: a program
 * as it is, or the program a function export returns (awaited if it returns a promise).
 */
export async function loadProgram(
  modulePath: string,
  exportName: string,
): Promise<Program<unknown>> {
  const file = resolve(modulePath)
  const shown = relative(process.cwd(), file) || modulePath
  if (!isFile(file)) {
    throw new BadInput(`cannot find module file ${JSON.stringify(modulePath)} (looked at ${file})`)
  }
  if (TYPESCRIPT.has(extname(file))) {
    typescriptLoader ??= import("tsx/esm/api").then((tsx) => tsx.register())
    await typescriptLoader
  }
  let namespace: Record<string, unknown>
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    throw new ModuleFailure(`loading ${shown} failed`, error)
  }
  const what =
    exportName === "default" ? "the default export" : `the export ${JSON.stringify(exportName)}`
  if (!(exportName in namespace)) {
    const names = Object.keys(namespace)
    const known = names.length > 0 ? `its exports: ${names.join(", ")}` : "it exports nothing"
    const hint = exportName === "default" && names.length > 0 ? "; pick one with --export NAME" : ""
    throw new BadInput(
      `${shown} has no ${exportName === "default" ? "default export" : `export named ${JSON.stringify(exportName)}`} (${known})${hint}`,
    )
  }
  const value = namespace[exportName]
  if (value instanceof Program) return value
  const factory = factoryDef(value)
  if (factory !== undefined) {
    // An uncalled fn(...) factory: calling it with no arguments would run it with undefined
    // for every parameter, so say what to export instead.
    throw new BadInput(
      `${what} of ${shown} is the program factory ${factory.name} (made by fn()), not a program: export a program, e.g. export default ${factory.name}(...) called with its arguments, or program(function* main() { ... })`,
    )
  }
  if (typeof value === "function") {
    let made: unknown
    try {
      made = await (value as () => unknown)()
    } catch (error) {
      throw new ModuleFailure(`calling ${what} of ${shown} failed`, error)
    }
    if (made instanceof Program) return made
    throw new BadInput(
      `${what} of ${shown} is a function, but it returned ${describe(made)}, not a program${copyHint(made)}`,
    )
  }
  throw new BadInput(
    `${what} of ${shown} is ${describe(value)}, not a program: export a program (program(...), or fn(...) called) or a function returning one${copyHint(value)}`,
  )
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** A Program from another copy of vm-core fails `instanceof`: say so instead of "not a program". */
function copyHint(value: unknown): string {
  const name = (value as { constructor?: { name?: unknown } } | null)?.constructor?.name
  return name === "Program"
    ? " (it is a Program from another copy of @effvm/vm-core: install one copy)"
    : ""
}

function describe(value: unknown): string {
  if (value === null) return "null"
  if (value === undefined) return "undefined"
  if (typeof value === "function") return `a function${value.name ? ` (${value.name})` : ""}`
  if (typeof value === "string")
    return `a string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === "object") {
    const name = (value as object).constructor?.name
    return name && name !== "Object" ? `a ${name}` : "an object"
  }
  return `a ${typeof value} (${String(value)})`
}
