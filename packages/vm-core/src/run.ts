import { driveToEnd, resultOf } from "./drive.js"
import { describeValue } from "./effect.js"
import { type CaptureStacks, captureModeOf } from "./errors/live-lines.js"
import { showTraceback } from "./errors/shown.js"
import type { AnyHandler } from "./handler.js"
import { withHandlers } from "./handler.js"
import { advance } from "./machine/machine.js"
import { MODE_DONE, MODE_EXTERNAL, MODE_FAILED, type ModeName, modeName } from "./machine/modes.js"
import { Machine } from "./machine/state.js"
import { notAProgramHint, Program } from "./program.js"
import { finalError as finalErrorOf, requestStop } from "./stop.js"
import { attachTracer, throwTraceFailure } from "./trace/attach.js"
import type { EventListener, TraceLevel } from "./trace/events.js"
import type { Answered, Remaining, Untracked } from "./typing.js"

/**
 * Options of {@link run}, {@link runAsync} and {@link createVM}. `Hs` is the type of the
 * `handlers` list, which the run functions read to check the program's effects.
 *
 * @example
 * ```ts
 * const options: RunOptions = { handlers: [reader(env)], captureStacks: "full" }
 * run(main(), options)
 * ```
 */
export interface RunOptions<Hs extends readonly AnyHandler[] = readonly AnyHandler[]> {
  /**
   * Handlers installed around the program, the first outermost. What they answer is
   * removed from the program's effects; whatever is left is a compile error.
   */
  readonly handlers?: Hs
  /** `runAsync`, `runOutcomeAsync`: aborting it stops the run (see `StopError`). */
  readonly signal?: AbortSignal
  /** Events reported to `onEvent`: `"none"` (default), `"min"` or `"full"` (docs/determinism.md). */
  readonly trace?: TraceLevel
  /** Receives each event of a traced run, in order. */
  readonly onEvent?: EventListener
  /**
   * Where tracebacks place frames other than the raising one: `"definition"` (default, no
   * cost) shows each program's definition site; `"full"` shows the line each frame is
   * suspended at, for a stack capture per step (microseconds). Defaults to the environment
   * variable `EFFVM_CAPTURE_STACKS`, else `"definition"`.
   */
  readonly captureStacks?: CaptureStacks
  /**
   * How deep the machine's stack may grow (program, handler and handler-boundary frames)
   * before a call fails with `RecursionError`. The default (1,500,000) lets a recursion of
   * a million levels complete and stops a runaway one within seconds.
   */
  readonly maxDepth?: number
}

/**
 * What one `vm.step()` did.
 *
 * @example
 * ```ts
 * const vm = createVM(main())
 * let result: StepResult
 * do result = vm.step()
 * while (result === "continue")
 * ```
 */
export type StepResult = "continue" | "done" | "error" | "external" | "stopped"

/**
 * The life of a machine.
 *
 * @example
 * ```ts
 * const vm = createVM(main())
 * vm.status // "ready"
 * vm.runFor(10)
 * if (vm.status === "blocked") await vm.whenReady()
 * ```
 */
export type VMStatus = "ready" | "running" | "blocked" | "done" | "failed" | "stopped"

/**
 * A steppable machine running one program (docs/semantics.md §4).
 *
 * @example
 * ```ts
 * const vm: VM<number> = createVM(main())
 * while (!vm.isDone()) {
 *   if (vm.runFor(1_000) === "external") await vm.whenReady()
 * }
 * console.log(vm.result)
 * ```
 */
export interface VM<T> {
  /** Takes one step. `"external"` means it waits on a JS promise (see `whenReady`). */
  step(): StepResult
  /** Takes at most `n` steps; `"yield"` when it stopped early with work left. */
  runFor(n: number): StepResult | "yield"
  /** The current mode's name: Deliver, Throw, HandleYield, DispatchError, Return, … */
  readonly mode: ModeName
  /** Where the machine is in its life. */
  readonly status: VMStatus
  /** Steps taken so far. */
  readonly steps: number
  /** The final value once `status` is `"done"`. */
  readonly result: T | undefined
  /** The error once `status` is `"failed"`. */
  readonly error: unknown
  /** Whether the run has ended (done, failed or stopped). */
  isDone(): boolean
  /** Whether the machine waits on an external promise. */
  isBlocked(): boolean
  /** Resolves when an external wait has settled and stepping can go on. */
  whenReady(): Promise<void>
  /**
   * Stops the run: `StopError` is thrown at the next perform (with a scheduler: into every
   * task at its suspension), `finally` blocks run, and the run ends as `"stopped"`. A
   * machine parked on a JS promise gets it at once; one that never stepped ends at once.
   */
  stop(reason?: unknown): void
}

class SteppableVM<T> implements VM<T> {
  readonly #m: Machine
  #started = false

  constructor(m: Machine) {
    this.#m = m
  }

  step(): StepResult {
    return this.runFor(1) === "yield" ? "continue" : (this.#outcome() as StepResult)
  }

  runFor(n: number): StepResult | "yield" {
    this.#started = true
    const mode = advance(this.#m, n)
    return mode === -1 ? "yield" : this.#outcome()
  }

  #outcome(): StepResult | "yield" {
    const mode = this.#m.mode
    if (mode === MODE_DONE || mode === MODE_FAILED) {
      throwTraceFailure(this.#m)
      if (this.#m.stopError !== null) return "stopped"
      return mode === MODE_DONE ? "done" : "error"
    }
    if (mode === MODE_EXTERNAL) return "external"
    return "continue"
  }

  get mode(): ModeName {
    return modeName(this.#m.mode)
  }
  get status(): VMStatus {
    const mode = this.#m.mode
    if ((mode === MODE_DONE || mode === MODE_FAILED) && this.#m.stopError !== null) return "stopped"
    if (mode === MODE_DONE) return "done"
    if (mode === MODE_FAILED) return "failed"
    if (mode === MODE_EXTERNAL) return "blocked"
    return this.#started ? "running" : "ready"
  }
  get steps(): number {
    return this.#m.steps
  }
  get result(): T | undefined {
    return this.#m.result as T | undefined
  }
  get error(): unknown {
    return this.#m.mode === MODE_DONE || this.#m.mode === MODE_FAILED
      ? finalErrorOf(this.#m)
      : undefined
  }
  isDone(): boolean {
    return this.#m.mode === MODE_DONE || this.#m.mode === MODE_FAILED
  }
  isBlocked(): boolean {
    return this.#m.mode === MODE_EXTERNAL
  }
  whenReady(): Promise<void> {
    return this.#m.parked ?? Promise.resolve()
  }
  stop(reason?: unknown): void {
    requestStop(this.#m, reason)
  }
}

/**
 * @internal the machine of a run: `program` checked and wrapped in `handlers`, with the
 * run's tracer and capture mode. `sync` machines (run, runOutcome) cannot wait.
 */
export function machineFor(
  program: Program<unknown>,
  options: RunOptions | undefined,
  caller: string,
  sync: boolean,
): Machine {
  const m = new Machine(rootOf(program, options, caller), sync)
  attachTracer(m, options, caller)
  m.liveStacks = captureModeOf(options?.captureStacks) === "full"
  if (options?.maxDepth !== undefined) m.maxDepth = checkMaxDepth(options.maxDepth, caller)
  return m
}

function checkMaxDepth(value: unknown, caller: string): number {
  if (typeof value === "number" && (Number.isInteger(value) || value === Infinity) && value > 0)
    return value
  throw new TypeError(
    `${caller}(): the maxDepth option must be a positive integer (or Infinity), got ${describeValue(value)}.`,
  )
}

/** @internal the program a run starts with: `program` checked, wrapped in `handlers`. */
export function rootOf<T>(
  program: Program<T>,
  options: RunOptions | undefined,
  caller: string,
): Program<T> {
  if (!(program instanceof Program)) {
    throw showTraceback(
      new TypeError(
        `${caller}() expects a program (made by fn(), program(), pure() or withHandler()), got ${notAProgramHint(program)}.`,
      ),
    )
  }
  const handlers = options?.handlers
  return handlers && handlers.length > 0 ? withHandlers(handlers, program) : program
}

/**
 * Makes a steppable machine for `program`. Like {@link run}, it accepts a program only when
 * the `handlers` option answers every effect its type says it may perform.
 *
 * @example
 * ```ts
 * const vm = createVM(main(), { handlers: [reader(env)] })
 * while (vm.step() === "continue") console.log(vm.mode)
 * ```
 */
export function createVM<T, E = Untracked, const Hs extends readonly AnyHandler[] = readonly []>(
  program: Program<T, E> & Answered<Remaining<E, Hs>>,
  options?: RunOptions<Hs>,
): VM<T> {
  const m = machineFor(program, options, "createVM", false)
  return new SteppableVM<T>(m)
}

/**
 * Runs `program` to the end synchronously: returns its value or throws its error. A
 * program that waits on a JS promise fails with an error pointing to {@link runAsync}.
 * A program whose type says it may perform an effect that neither it nor the `handlers`
 * option answers does not compile; the message names the effect (docs/typed-effects.md).
 *
 * @example
 * ```ts
 * run(withHandler(reader({ greeting: "hi" }), greet("ada"))) // "hi, ada"
 * ```
 */
export function run<T, E = Untracked, const Hs extends readonly AnyHandler[] = readonly []>(
  program: Program<T, E> & Answered<Remaining<E, Hs>>,
  options?: RunOptions<Hs>,
): T {
  const m = machineFor(program, options, "run", true)
  advance(m, Number.POSITIVE_INFINITY)
  throwTraceFailure(m)
  return resultOf<T>(m)
}

/**
 * Runs `program` to the end, waiting on external promises: resolves with its value or
 * rejects with its error.
 *
 * @example
 * ```ts
 * await runAsync(program(function* () { return yield* awaitExternal(fetchJson("/users/1")) }))
 * ```
 */
export async function runAsync<
  T,
  E = Untracked,
  const Hs extends readonly AnyHandler[] = readonly [],
>(program: Program<T, E> & Answered<Remaining<E, Hs>>, options?: RunOptions<Hs>): Promise<T> {
  const m = machineFor(program, options, "runAsync", false)
  await driveToEnd(m, options?.signal)
  throwTraceFailure(m)
  return resultOf<T>(m)
}
