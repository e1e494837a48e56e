import { driveToEnd } from "./drive.js"
import { escapedFrom } from "./errors/escape.js"
import type { AnyHandler } from "./handler.js"
import type { JournalPort } from "./machine/journal-port.js"
import { advance } from "./machine/machine.js"
import { MODE_DONE } from "./machine/modes.js"
import type { Machine } from "./machine/state.js"
import type { Program } from "./program.js"
import { machineFor, type RunOptions } from "./run.js"
import { finalError, StopError } from "./stop.js"
import { throwTraceFailure } from "./trace/attach.js"
import type { Answered, Remaining, Untracked } from "./typing.js"

/**
 * How a run ended, as {@link runOutcome} and {@link runOutcomeAsync} report it: finished
 * with a value, failed with an error (and the innermost task it escaped from, when it ran
 * under a scheduler), or stopped. `steps` is the number of machine steps taken; `choices`
 * is the scheduling log the run's (outermost) scheduler recorded, empty without one: pass it
 * as `scheduled(body, { policy: { replay: choices } })` to replay the run.
 *
 * @example
 * ```ts
 * const outcome: RunOutcome<number> = runOutcome(main())
 * if (outcome.status === "failed") console.error(outcome.taskName, outcome.error)
 * ```
 */
export type RunOutcome<T> =
  | {
      readonly status: "done"
      readonly value: T
      readonly steps: number
      readonly choices: readonly number[]
    }
  | {
      readonly status: "failed"
      readonly error: unknown
      readonly steps: number
      readonly choices: readonly number[]
      /** The id of the innermost task the error escaped from (under a scheduler). */
      readonly taskId?: number
      /** The name of that task. */
      readonly taskName?: string
    }
  | {
      readonly status: "stopped"
      readonly error: StopError
      readonly steps: number
      readonly choices: readonly number[]
    }

/**
 * Runs `program` to the end synchronously, like `run`, and reports how it ended instead of
 * returning or throwing. Never throws, also for bad input (that is a `failed` outcome).
 *
 * @example
 * ```ts
 * const outcome = runOutcome(scheduled(plant(), { maxRounds: 100 }))
 * if (outcome.status === "stopped") console.log(`stopped after ${outcome.steps} steps`)
 * ```
 */
export function runOutcome<T, E = Untracked, const Hs extends readonly AnyHandler[] = readonly []>(
  program: Program<T, E> & Answered<Remaining<E, Hs>>,
  options?: RunOptions<Hs>,
): RunOutcome<T> {
  let m: Machine
  try {
    m = machineFor(program, options, "runOutcome", true)
    m.recordChoices = true
    advance(m, Number.POSITIVE_INFINITY)
    throwTraceFailure(m)
  } catch (error) {
    return failedBeforeStart(error)
  }
  return outcomeOf<T>(m)
}

/**
 * Runs `program` to the end like `runAsync` (external promises, `signal`), and resolves
 * with how it ended. Never rejects, also for bad input.
 *
 * @example
 * ```ts
 * const controller = new AbortController()
 * setTimeout(() => controller.abort(), 1_000)
 * const outcome = await runOutcomeAsync(scheduled(plant()), { signal: controller.signal })
 * outcome.status // "stopped"
 * ```
 */
export async function runOutcomeAsync<
  T,
  E = Untracked,
  const Hs extends readonly AnyHandler[] = readonly [],
>(
  program: Program<T, E> & Answered<Remaining<E, Hs>>,
  options?: RunOptions<Hs>,
): Promise<RunOutcome<T>> {
  let m: Machine
  try {
    m = machineFor(program, options, "runOutcomeAsync", false)
    m.recordChoices = true
    await driveToEnd(m, options?.signal)
    throwTraceFailure(m)
  } catch (error) {
    return failedBeforeStart(error)
  }
  return outcomeOf<T>(m)
}

/**
 * @internal `runOutcomeAsync` with a journal port on the machine (`@effvm/durable`): `caller`
 * names the entry point in messages about bad input.
 */
export async function journaledOutcome<T>(
  program: Program<T>,
  options: RunOptions | undefined,
  port: JournalPort,
  caller: string,
): Promise<RunOutcome<T>> {
  let m: Machine
  try {
    m = machineFor(program, options, caller, false)
    m.recordChoices = true
    m.journal = port
    await driveToEnd(m, options?.signal)
    throwTraceFailure(m)
  } catch (error) {
    return failedBeforeStart(error)
  }
  return outcomeOf<T>(m)
}

function outcomeOf<T>(m: Machine): RunOutcome<T> {
  const steps = m.steps
  // A copy: the scheduler's live log belongs to the machine, the outcome to the caller.
  const choices = m.choiceLog === null ? [] : m.choiceLog.slice()
  if (m.stopError !== null) {
    const error = finalError(m)
    const stop = error instanceof StopError ? error : m.stopError
    return { status: "stopped", error: stop, steps, choices }
  }
  if (m.mode === MODE_DONE) return { status: "done", value: m.result as T, steps, choices }
  return failed(m.error, steps, choices)
}

function failed<T>(error: unknown, steps: number, choices: readonly number[]): RunOutcome<T> {
  // A StopError that escaped without a stop of this machine (a nested scheduler's
  // maxRounds, a program that threw one itself) still ends the run as stopped.
  if (error instanceof StopError) return { status: "stopped", error, steps, choices }
  const from = escapedFrom(error)
  if (from === undefined) return { status: "failed", error, steps, choices }
  return { status: "failed", error, steps, choices, taskId: from.taskId, taskName: from.taskName }
}

function failedBeforeStart<T>(error: unknown): RunOutcome<T> {
  return failed(error, 0, [])
}
