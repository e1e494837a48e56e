import { describeValue } from "./effect.js"
import { type CaptureStacks, captureModeOf } from "./errors/live-lines.js"
import type { HandlerDef, HandlerFunction } from "./handler.js"
import { withHandlers } from "./handler.js"
import { advance, Machine } from "./machine/machine.js"
import { MODE_DONE, MODE_EXTERNAL, MODE_FAILED, type ModeName, modeNames } from "./machine/modes.js"
import { Program } from "./program.js"

/** Options of {@link run}, {@link runAsync} and {@link createVM}. */
export interface RunOptions {
  /** Handlers installed around the program, the first outermost. */
  readonly handlers?: readonly (HandlerDef | HandlerFunction)[]
  /**
   * Where tracebacks place frames other than the raising one: `"definition"` (default, no
   * cost) shows each program's definition site; `"full"` shows the line each frame is
   * suspended at, for a stack capture per step (microseconds). Defaults to the environment
   * variable `EFFVM_CAPTURE_STACKS`, else `"definition"`.
   */
  readonly captureStacks?: CaptureStacks
}

/** What one `vm.step()` did. */
export type StepResult = "continue" | "done" | "error" | "external" | "stopped"

/** The life of a machine. */
export type VMStatus = "ready" | "running" | "blocked" | "done" | "failed" | "stopped"

/** A steppable machine running one program (SPEC §4). */
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
  /** Whether the run has ended (done or failed). */
  isDone(): boolean
  /** Whether the machine waits on an external promise. */
  isBlocked(): boolean
  /** Resolves when an external wait has settled and stepping can go on. */
  whenReady(): Promise<void>
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
    if (mode === MODE_DONE) return "done"
    if (mode === MODE_FAILED) return "error"
    if (mode === MODE_EXTERNAL) return "external"
    return "continue"
  }

  get mode(): ModeName {
    return modeNames[this.#m.mode]!
  }
  get status(): VMStatus {
    const mode = this.#m.mode
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
    return this.#m.error
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
}

function rootOf<T>(
  program: Program<T>,
  options: RunOptions | undefined,
  caller: string,
): Program<T> {
  if (!(program instanceof Program)) {
    throw new TypeError(
      `${caller}() expects a program (made by fn(), program(), pure() or withHandler()), got ${describeValue(program)}. Did you pass the factory instead of calling it?`,
    )
  }
  const handlers = options?.handlers
  return handlers && handlers.length > 0 ? withHandlers(handlers, program) : program
}

/**
 * Makes a steppable machine for `program`.
 *
 * @example
 * ```ts
 * const vm = createVM(main(), { handlers: [reader(env)] })
 * while (vm.step() === "continue") console.log(vm.mode)
 * ```
 */
export function createVM<T>(program: Program<T>, options?: RunOptions): VM<T> {
  const m = new Machine(rootOf(program, options, "createVM"), false)
  m.liveStacks = captureModeOf(options?.captureStacks) === "full"
  return new SteppableVM<T>(m)
}

/**
 * Runs `program` to the end synchronously: returns its value or throws its error. A
 * program that waits on a JS promise fails with an error pointing to {@link runAsync}.
 *
 * @example
 * ```ts
 * run(withHandler(reader({ greeting: "hi" }), greet("ada"))) // "hi, ada"
 * ```
 */
export function run<T>(program: Program<T>, options?: RunOptions): T {
  const m = new Machine(rootOf(program, options, "run"), true)
  m.liveStacks = captureModeOf(options?.captureStacks) === "full"
  advance(m, Number.POSITIVE_INFINITY)
  if (m.mode === MODE_DONE) return m.result as T
  throw m.error
}

/**
 * Runs `program` to the end, waiting on external promises: resolves with its value or
 * rejects with its error.
 *
 * @example
 * ```ts
 * await runAsync(program(function* () { return yield* awaitExternal(fetchUser()) }))
 * ```
 */
export async function runAsync<T>(program: Program<T>, options?: RunOptions): Promise<T> {
  const m = new Machine(rootOf(program, options, "runAsync"), false)
  m.liveStacks = captureModeOf(options?.captureStacks) === "full"
  for (;;) {
    const mode = advance(m, Number.POSITIVE_INFINITY)
    if (mode === MODE_DONE) return m.result as T
    if (mode === MODE_FAILED) throw m.error
    await m.parked
  }
}
