import { formatTraceback, type Program, type RunOptions, runAsync, StopError } from "@effvm/vm-core"

/** Exit codes of `runMain`: as shells report a process ended by the signal (128 + its number). */
const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 }

/**
 * The entry point for scripts: runs `program` with `runAsync` and `options` as given (it
 * installs no scheduler or handlers of its own), prints nothing on success, prints the
 * traceback to stderr and sets exit code 1 on failure. The first SIGINT or SIGTERM stops the
 * run (every task's `finally` blocks run) and the process exits with 130 or 143; a second
 * one exits at once, for a cleanup that hangs.
 *
 * @example
 * ```ts
 * import { defaultHandlers, program, runMain, scheduled, sleep } from "effvm"
 * const main = program(function* main() {
 *   yield* sleep(1_000)
 * })
 * await runMain(scheduled(main), { handlers: defaultHandlers() })
 * ```
 */
export async function runMain(program: Program<unknown>, options: RunOptions = {}): Promise<void> {
  const controller = new AbortController()
  let received: string | null = null
  const onSignal = (name: NodeJS.Signals) => {
    if (received !== null) process.exit(SIGNAL_EXIT_CODES[received])
    received = name
    controller.abort()
  }
  const outer = options.signal
  const onOuterAbort = () => controller.abort(outer?.reason)
  if (outer?.aborted) controller.abort(outer.reason)
  else outer?.addEventListener("abort", onOuterAbort, { once: true })
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  try {
    await runAsync(program, { ...options, signal: controller.signal })
  } catch (error) {
    if (received !== null && error instanceof StopError) {
      // The run ended its cleanups; whatever else holds the event loop must not keep it.
      process.exit(SIGNAL_EXIT_CODES[received])
    }
    process.stderr.write(`${formatTraceback(error)}\n`)
    process.exitCode = 1
  } finally {
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
    outer?.removeEventListener("abort", onOuterAbort)
  }
}
