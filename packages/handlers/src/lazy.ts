import {
  type Continuation,
  type HandlerDef,
  Program,
  Transfer,
  TransferThrow,
  withHandler,
  type Yielded,
} from "@effvm/vm-core"
import { currentTask, runOf, Signal, WaitSignal } from "@effvm/vm-core/internal"
import { keyText } from "./missing.js"

/** Where one run stands with a lazy value. */
type LazyState =
  | { readonly done: true; readonly value: unknown }
  | { readonly done: false; readonly task: unknown; readonly signal: Signal }

/**
 * A reader value computed on demand, made by `lazy(program)`: see {@link lazy}.
 *
 * @example
 * ```ts
 * const db: Lazy<Db> = lazy(connect(url))
 * run(withHandler(reader({ db }), main()))
 * ```
 */
export class Lazy<T = unknown> {
  /** @internal each run's state (keyed by its machine): computed once per run. */
  readonly runs = new WeakMap<object, LazyState>()

  /** @internal */
  constructor(
    /** The program that computes the value. */
    readonly program: Program<T>,
  ) {}

  /** `lazy(connect)`, as messages name it. */
  toString(): string {
    return `lazy(${this.program.name})`
  }
}

/**
 * A reader value that is computed when it is first asked for: `reader({ db: lazy(connect())
 * })` runs `connect()` on the first `ask("db")` of a run, at that ask (under the same
 * reader, so it may ask for other keys, and the handlers outside it), and every later ask
 * of the run, from any task, gets the same value. Tasks asking while it is being computed
 * wait for it. A failure is not cached: the ask that ran it throws the error, and the next
 * ask runs the program again. A program that asks for its own key fails with a `TypeError`.
 *
 * @example
 * ```ts
 * const connect = fn(function* connect() {
 *   const url = yield* ask<string>("url")
 *   yield* log("connecting", url)
 *   return new Db(url)
 * })
 * run(withHandlers(defaultHandlers({ env: { url: "db://local", db: lazy(connect()) } }), main()))
 * ```
 */
export function lazy<T>(program: Program<T>): Lazy<T> {
  if (!(program instanceof Program)) {
    const got: unknown = program
    throw new TypeError(
      `lazy(program) expects a program, got ${typeof got === "function" ? `function ${got.name || "(anonymous)"} (did you pass the factory instead of calling it?)` : got === null ? "null" : typeof got}`,
    )
  }
  return new Lazy(program)
}

/**
 * Answers an ask whose value is lazy (a generator handler of the reader `def`): the run's
 * value, or computes it here, or waits while another task computes it.
 */
export function* answerLazy(
  value: Lazy<unknown>,
  key: unknown,
  k: Continuation<unknown>,
  def: HandlerDef,
): Generator<Yielded, unknown, unknown> {
  const run = runOf(k)
  const me = currentTask(k)
  for (;;) {
    const state = value.runs.get(run)
    if (state?.done) return yield* Transfer(k, state.value)
    if (state === undefined) break
    if (state.task === me) {
      return yield* TransferThrow(
        k,
        new TypeError(
          `The lazy value of key ${keyText(key)} (${value}) asks for itself while it is being computed: a cycle.`,
        ),
      )
    }
    yield* new WaitSignal(state.signal, `the lazy value of key ${keyText(key)}`)
  }
  const signal = new Signal()
  value.runs.set(run, { done: false, task: me, signal })
  let result: unknown
  try {
    result = yield* withHandler(def, value.program)
  } catch (error) {
    value.runs.delete(run)
    signal.fire()
    return yield* TransferThrow(k, error)
  }
  value.runs.set(run, { done: true, value: result })
  signal.fire()
  return yield* Transfer(k, result)
}
