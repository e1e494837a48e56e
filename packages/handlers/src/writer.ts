import {
  Effect,
  type EffectClass,
  fn,
  type HandlerDef,
  handler,
  Pass,
  Program,
  Transfer,
  withHandler,
} from "@effvm/vm-core"

/**
 * Appends `value` to the output of the nearest writer. Answers `undefined`.
 *
 * @example
 * ```ts
 * yield* new Tell("started")
 * ```
 */
export class Tell<W = unknown> extends Effect<void> {
  constructor(readonly value: W) {
    super()
  }
}

/**
 * Performs `Tell(value)`.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   yield* tell("a")
 *   yield* tell("b")
 * })
 * const w = writer<string>()
 * run(withHandler(w, main))
 * w.told // ["a", "b"]
 * ```
 */
export function tell<W>(value: W): Tell<W> {
  return new Tell(value)
}

/**
 * A writer handler, with what it was told readable during and after the run.
 *
 * @example
 * ```ts
 * const w: WriterHandler<string> = writer<string>()
 * run(withHandler(w, main))
 * w.told
 * ```
 */
export interface WriterHandler<W = unknown> extends HandlerDef {
  /** Every value told to this handler, in order. */
  readonly told: W[]
}

/**
 * The writer handler: answers `Tell` by appending the value to its `told` array. Each
 * `writer()` call has its own array. A fast-path handler.
 *
 * @example
 * ```ts
 * const w = writer<string>()
 * run(withHandler(w, program(function* main() { yield* tell("hello") })))
 * w.told // ["hello"]
 * ```
 */
export function writer<W = unknown>(): WriterHandler<W> {
  const told: W[] = []
  const def = handler(
    function collectTold(eff: Tell<unknown>, k) {
      told.push(eff.value as W)
      return Transfer(k, undefined)
    },
    { handles: [Tell], name: "writer" },
  )
  return Object.assign(def, { told })
}

const listenProgram = fn(function* listen(
  body: Program<unknown>,
  effects: readonly EffectClass[] | null,
) {
  const told: unknown[] = []
  // Records, then passes the same effect outward: an enclosing listen records it too, and
  // the outer handlers still receive it. Pass keeps this on the fast path.
  const collector =
    effects === null
      ? handler(
          function recordTold(eff: Tell<unknown>, _k) {
            told.push(eff.value)
            return Pass()
          },
          { handles: [Tell], name: "listen" },
        )
      : handler(
          function recordEffect(eff: Effect<unknown>, _k) {
            told.push(eff)
            return Pass()
          },
          { handles: effects, name: "listen" },
        )
  const result = yield* withHandler(collector, body)
  return [result, told] as [unknown, unknown[]]
})

/**
 * The options of {@link listen}.
 *
 * @example
 * ```ts
 * const options: ListenOptions = { effects: [Log, Tell] }
 * const [result, seen] = yield* listen(main(), options)
 * ```
 */
export interface ListenOptions<C extends readonly EffectClass[] = readonly EffectClass[]> {
  /** The effect classes to collect (the effect objects themselves, subclasses included). */
  readonly effects: C
}

/**
 * Runs `body` and evaluates to `[result, told]`: its result and what it told, in order,
 * nested listens included, and nothing told before or after it. Every value is still
 * passed on to the handlers outside, so a `writer()` (or `defaultHandlers`) must be
 * installed outside; tells are never swallowed.
 *
 * With `{ effects: [Log, Tell, …] }` it collects the effects of those classes themselves
 * (the effect objects, in the order they were performed) instead of the told values; they
 * too still reach the handlers outside.
 *
 * @example
 * ```ts
 * const main = program(function* main() {
 *   yield* tell("before")
 *   const [n, told] = yield* listen<number, string>(program(function* () {
 *     yield* tell("inside")
 *     return 1
 *   }))
 *   const [, performed] = yield* listen(work(), { effects: [Log, Tell] }) // [Log {…}, Tell {…}]
 *   return { n, told } // { n: 1, told: ["inside"] }
 * })
 * run(withHandlers(defaultHandlers(), main))
 * ```
 */
export function listen<T, const C extends readonly EffectClass[]>(
  body: Program<T>,
  options: ListenOptions<C>,
): Program<[T, InstanceType<C[number]>[]]>
export function listen<T, W = unknown>(body: Program<T>): Program<[T, W[]]>
export function listen<T>(body: Program<T>, options?: ListenOptions): Program<[T, unknown[]]> {
  if (!(body instanceof Program)) {
    throw new TypeError(
      "listen(body) expects a program. Did you pass the factory instead of calling it?",
    )
  }
  if (options === undefined) return listenProgram(body, null) as Program<[T, unknown[]]>
  const effects = (options as { effects?: unknown } | null)?.effects
  if (
    !Array.isArray(effects) ||
    effects.length === 0 ||
    effects.some((c) => typeof c !== "function")
  ) {
    throw new TypeError(
      "listen(body, { effects }): effects must be a non-empty array of effect classes, e.g. { effects: [Log, Tell] }",
    )
  }
  return listenProgram(body, [...effects]) as Program<[T, unknown[]]>
}
