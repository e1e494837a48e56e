import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Program } from "@effvm/vm-core"

/** A run reference split: the module specifier and the export name. */
export interface RunRef {
  readonly module: string
  readonly exportName: string
}

/**
 * Splits `"/srv/app/flows.js#checkout"` into its module and export (`default` when there
 * is no `#`). Throws a `TypeError` naming the value for anything else.
 */
export function parseRef(ref: unknown, where: string): RunRef {
  if (typeof ref !== "string" || ref === "" || ref.startsWith("#")) {
    throw new TypeError(
      `${where}: a run is named by "MODULE#EXPORT" (an absolute path, a package name or a path relative to the worker's working directory), got ${JSON.stringify(ref) ?? String(ref)}`,
    )
  }
  const hash = ref.lastIndexOf("#")
  if (hash === -1) return { module: ref, exportName: "default" }
  const exportName = ref.slice(hash + 1)
  return { module: ref.slice(0, hash), exportName: exportName === "" ? "default" : exportName }
}

/** What `import()` is given for a module specifier, relative ones against `cwd`. */
function importable(module: string, cwd: string): string {
  if (module.startsWith("file:")) return module
  if (isAbsolute(module)) return pathToFileURL(module).href
  if (module.startsWith("./") || module.startsWith("../")) {
    return pathToFileURL(resolve(cwd, module)).href
  }
  return module // a package name
}

/**
 * The program a run reference names: the export itself when it is a program (no
 * arguments), or what the exported function returns for `args`.
 */
export async function loadRun(
  ref: string,
  args: readonly unknown[],
  cwd: string,
): Promise<Program<unknown>> {
  const { module, exportName } = parseRef(ref, "loading a run")
  const namespace = (await import(importable(module, cwd))) as Record<string, unknown>
  if (!(exportName in namespace)) {
    throw new TypeError(
      `${module} has no export named ${JSON.stringify(exportName)} (its exports: ${Object.keys(namespace).join(", ") || "none"}), named by run reference ${JSON.stringify(ref)}`,
    )
  }
  const value = namespace[exportName]
  const program =
    typeof value === "function" ? await (value as (...a: unknown[]) => unknown)(...args) : value
  if (!(program instanceof Program)) {
    throw new TypeError(
      `${ref}: the export ${JSON.stringify(exportName)} is neither a program nor a function returning one (${typeof value === "function" ? "it returned" : "it is"} ${describe(program)})`,
    )
  }
  return program
}

function describe(value: unknown): string {
  if (value === null || typeof value !== "object") return String(value)
  return value.constructor?.name ?? "an object"
}
