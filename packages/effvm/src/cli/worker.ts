import { extname, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { EXIT_BAD_INPUT } from "./exit-codes.js"

/** `effvm worker` options, as parsed. */
interface WorkerCommand {
  readonly database: string
  readonly concurrency: number
  readonly handlers: string | undefined
  readonly lease: number | undefined
  readonly name: string | undefined
}

const usage =
  "`effvm worker --database URL [--concurrency N] [--handlers MODULE] [--lease SECONDS]`"

/**
 * `effvm worker --database URL --concurrency N [--handlers MODULE] [--lease S] [--name NAME]`:
 * runs the durable runs submitted to the database's queue (`workQueue().submit`) until
 * SIGTERM or SIGINT, then lets go of them cleanly. The handlers module's default export
 * is the array of outside handlers every run gets.
 */
export async function workerMain(argv: readonly string[]): Promise<number> {
  let command: WorkerCommand
  try {
    command = parseWorker(argv)
  } catch (error) {
    process.stderr.write(`effvm: ${(error as Error).message}\n`)
    return EXIT_BAD_INPUT
  }
  let handlers: unknown[] = []
  if (command.handlers !== undefined) {
    const file = resolve(command.handlers)
    if ([".ts", ".mts", ".cts", ".tsx"].includes(extname(file))) {
      await import("tsx/esm/api").then((tsx) => tsx.register())
    }
    let namespace: { default?: unknown }
    try {
      namespace = (await import(pathToFileURL(file).href)) as { default?: unknown }
    } catch (error) {
      process.stderr.write(
        `effvm: loading the handlers module ${command.handlers} failed: ${(error as Error)?.stack ?? error}\n`,
      )
      return EXIT_BAD_INPUT
    }
    if (!Array.isArray(namespace.default)) {
      process.stderr.write(
        `effvm: --handlers ${command.handlers}: its default export must be an array of handlers, got ${namespace.default === undefined ? "none" : typeof namespace.default}\n`,
      )
      return EXIT_BAD_INPUT
    }
    handlers = namespace.default
  }
  const { startWorker } = await import("@effvm/durable")
  const worker = await startWorker({
    connectionString: command.database,
    concurrency: command.concurrency,
    handlers: handlers as never,
    ...(command.lease === undefined ? {} : { lease: command.lease }),
    ...(command.name === undefined ? {} : { name: command.name }),
  })
  process.stdout.write(`effvm worker ${worker.name}: running ${command.concurrency} at a time\n`)
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGTERM", stop)
      process.off("SIGINT", stop)
      worker.stop().then(done, (error: unknown) => {
        process.stderr.write(`effvm: stopping the worker failed: ${(error as Error)?.message}\n`)
        done()
      })
    }
    process.on("SIGTERM", stop)
    process.on("SIGINT", stop)
  })
  process.stdout.write(`effvm worker ${worker.name}: stopped after ${worker.finished} runs\n`)
  // The handlers module may hold resources of its own (a connection pool): the runs are let
  // go, so the process ends here rather than when they time out.
  process.exit(0)
}

function parseWorker(argv: readonly string[]): WorkerCommand {
  let database: string | undefined
  let concurrency = 1
  let handlers: string | undefined
  let lease: number | undefined
  let name: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf("=")
    const option = eq > 0 ? arg.slice(0, eq) : arg
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined) throw new Error(`${option} needs a value: ${usage}`)
    if (option === "--database") database = value
    else if (option === "--handlers") handlers = value
    else if (option === "--name") name = value
    else if (option === "--concurrency" || option === "--lease") {
      const n = Number(value)
      if (!(n >= 1) || (option === "--concurrency" && !Number.isInteger(n))) {
        throw new Error(
          `${option} takes a positive ${option === "--lease" ? "number of seconds" : "integer"}, got ${JSON.stringify(value)}`,
        )
      }
      if (option === "--concurrency") concurrency = n
      else lease = n
    } else throw new Error(`unknown option ${JSON.stringify(option)} for worker: ${usage}`)
  }
  if (database === undefined) throw new Error(`missing --database URL: ${usage}`)
  return { database, concurrency, handlers, lease, name }
}
