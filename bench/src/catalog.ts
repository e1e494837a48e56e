/**
 * Finds the workloads: every `workloads/wN-name.js` module exporting `workload` (effvm's
 * own workloads), then every `workloads/cN-name.js` (the community effect-handlers suite's
 * problems). Adding a workload is adding one such file.
 */
import { readdirSync } from "node:fs"
import type { Workload } from "./types.js"

const dir = new URL("./workloads/", import.meta.url)

/** W before C, then by number. */
const order = (f: string): number =>
  (f.startsWith("c") ? 1_000_000 : 0) + Number.parseInt(f.slice(1), 10)

export function workloadFiles(): string[] {
  return readdirSync(dir)
    .filter((f) => /^[wc]\d+-.*\.js$/.test(f))
    .sort((a, b) => order(a) - order(b))
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
