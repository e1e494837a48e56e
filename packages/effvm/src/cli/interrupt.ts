/** The exit code of a run stopped by a signal, as shells report it (128 + SIGINT's 2). */
export const EXIT_INTERRUPTED = 130

/**
 * Turns the first SIGINT or SIGTERM into a stop of the run (every task gets `StopError`
 * and its `finally` blocks run); a second one exits at once, for a cleanup that hangs.
 * Returns the signal to pass to `runAsync` and a function that removes the listeners.
 */
export function stopOnSignals(): {
  signal: AbortSignal
  received: () => string | null
  detach: () => void
} {
  const controller = new AbortController()
  let received: string | null = null
  const onSignal = (name: NodeJS.Signals) => {
    if (received !== null) process.exit(EXIT_INTERRUPTED)
    received = name
    process.stderr.write(`effvm: ${name}: stopping (finally blocks run; again to exit at once)\n`)
    controller.abort()
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  return {
    signal: controller.signal,
    received: () => received,
    detach: () => {
      process.off("SIGINT", onSignal)
      process.off("SIGTERM", onSignal)
    },
  }
}
