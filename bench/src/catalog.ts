/**
 * Finds the workloads: every `workloads/wN-name.js` module exporting `workload`. Adding a
 * workload is adding one such file.
 */
import { readdirSync } from "node:fs"
import type { Workload } from "./types.js"

const dir = new URL("./workloads/", import.meta.url)

export function workloadFiles(): string[] {
  return readdirSync(dir)
    .filter((f) => /^w\d+-.*\.js$/.test(f))
    .sort((a, b) => Number.parseInt(a.slice(1), 10) - Number.parseInt(b.slice(1), 10))
}

async function importWorkload(file: string): Promise<Workload> {
  const mod = (await import(new URL(file, dir).href)) as { workload?: Workload }
  if (mod.workload === undefined) throw new Error(`${file} exports no \`workload\``)
  return mod.workload
}

/** Loads the one workload `id` (e.g. "W1"), and nothing else. */
export async function loadWorkload(id: string): Promise<Workload> {
  const file = workloadFiles().find((f) => f.startsWith(`${id.toLowerCase()}-`))
  if (file === undefined) throw new Error(`no workload ${id} in ${dir.pathname}`)
  return importWorkload(file)
}

export interface Catalog {
  readonly workloads: Workload[]
  /** Files that failed to load (e.g. @effvm/vm-core not built yet), with the reason. */
  readonly failures: { file: string; message: string }[]
}

export async function loadAll(): Promise<Catalog> {
  const catalog: Catalog = { workloads: [], failures: [] }
  for (const file of workloadFiles()) {
    try {
      catalog.workloads.push(await importWorkload(file))
    } catch (e) {
      catalog.failures.push({ file, message: e instanceof Error ? e.message : String(e) })
    }
  }
  return catalog
}
