import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { type Journal, JournalDivergenceError, postgresStore, replay } from "@effvm/durable"
import { Program } from "@effvm/vm-core"
import { EXIT_BAD_INPUT, EXIT_FAILED } from "./exit-codes.js"
import { reportFailure, reportValue } from "./run-module.js"

const usage = "`effvm replay --database URL --id RUN_ID`"

/**
 * `effvm replay --database URL --id ID`: fetches the journal of a run a worker
 * (`effvm worker`, `startWorker`) ran from the database, loads the module and export the
 * run was submitted with (relative references against the working directory), and replays
 * it: the same value or traceback, without calling the outside handlers or waiting.
 */
export async function replayStored(argv: readonly string[]): Promise<number> {
  let database: string | undefined
  let id: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf("=")
    const option = eq > 0 ? arg.slice(0, eq) : arg
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]
    if (option === "--database") database = value
    else if (option === "--id") id = value
    else {
      process.stderr.write(`effvm: unexpected argument ${JSON.stringify(arg)}: ${usage}\n`)
      return EXIT_BAD_INPUT
    }
  }
  if (!database || !id) {
    process.stderr.write(
      `effvm: missing ${database ? "--id RUN_ID" : "--database URL"}: ${usage}\n`,
    )
    return EXIT_BAD_INPUT
  }
  const store = postgresStore({ connectionString: database, max: 1 })
  let run: Awaited<ReturnType<typeof store.load>>
  try {
    run = await store.load(id)
  } catch (error) {
    process.stderr.write(
      `effvm: cannot read run ${JSON.stringify(id)} from the database: ${(error as Error).message}\n`,
    )
    return EXIT_BAD_INPUT
  } finally {
    await store.close()
  }
  const meta = (run?.meta ?? {}) as Record<string, unknown>
  if (run === undefined) {
    process.stderr.write(`effvm: the database holds no run ${JSON.stringify(id)}\n`)
    return EXIT_BAD_INPUT
  }
  if (typeof meta.ref !== "string" || !Array.isArray(meta.args)) {
    process.stderr.write(
      `effvm: run ${JSON.stringify(id)} names no module: replay --database reads runs a worker ran (effvm worker, startWorker)\n`,
    )
    return EXIT_BAD_INPUT
  }
  const journal = {
    version: meta.journal,
    program: meta.program,
    handlers: Array.isArray(meta.outside) ? meta.outside : [],
    entries: run.entries,
  } as unknown as Journal
  let program: unknown
  try {
    program = await loadRef(meta.ref, meta.args)
  } catch (error) {
    process.stderr.write(`effvm: loading ${meta.ref} failed: ${(error as Error)?.stack ?? error}\n`)
    return EXIT_BAD_INPUT
  }
  if (!(program instanceof Program)) {
    process.stderr.write(`effvm: ${meta.ref} is neither a program nor a function returning one\n`)
    return EXIT_BAD_INPUT
  }
  let outcome: Awaited<ReturnType<typeof replay>>
  try {
    outcome = await replay(program, journal)
  } catch (error) {
    const what = error instanceof JournalDivergenceError ? `no longer matches ${meta.ref}: ` : ""
    process.stderr.write(`effvm: run ${JSON.stringify(id)} ${what}${(error as Error).message}\n`)
    return error instanceof JournalDivergenceError ? EXIT_FAILED : EXIT_BAD_INPUT
  }
  if (typeof meta.worker === "string") {
    process.stderr.write(
      `effvm: run ${JSON.stringify(id)} replayed (started on worker ${meta.worker})\n`,
    )
  }
  if (outcome.status === "done") return reportValue(outcome.value)
  return reportFailure(outcome.error, null).code
}

async function loadRef(ref: string, args: unknown[]): Promise<unknown> {
  const hash = ref.lastIndexOf("#")
  const module = hash === -1 ? ref : ref.slice(0, hash)
  const name = hash === -1 || hash === ref.length - 1 ? "default" : ref.slice(hash + 1)
  const specifier = module.startsWith("file:")
    ? module
    : isAbsolute(module)
      ? pathToFileURL(module).href
      : module.startsWith("./") || module.startsWith("../")
        ? pathToFileURL(resolve(module)).href
        : module
  const namespace = (await import(specifier)) as Record<string, unknown>
  const value = namespace[name]
  return typeof value === "function"
    ? await (value as (...a: unknown[]) => unknown)(...args)
    : value
}
