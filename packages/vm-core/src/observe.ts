import { Transfer } from "./control.js"
import { Effect } from "./effect.js"
import { withHandler } from "./handler.js"
import { type EffectObserver, HandlerDef } from "./handler-def.js"
import type { Continuation } from "./machine/continuation.js"
import { startObservingAt } from "./machine/scheduler-port.js"
import { fn, Program } from "./program.js"
import { markUntraced } from "./trace/tracer.js"
import type { EffectsOf, Untracked } from "./typing.js"

/** Performed where an observed region starts: its own handler switches observation on. */
class StartObserving extends Effect<void> {}
markUntraced(StartObserving)

function answerStart(_effect: Effect<unknown>, k: Continuation<unknown>): unknown {
  startObservingAt(k)
  return Transfer(k, undefined)
}

const observedRegion = fn(function* observed(body: Program<unknown>) {
  yield* new StartObserving()
  return yield* body
})

function region<T>(
  op: string,
  f: (effect: Effect<unknown>) => unknown,
  body: Program<T>,
  replaces: boolean,
): Program<T> {
  if (typeof f !== "function") {
    throw new TypeError(
      `${op}(f, program) expects a function (effect) => ${replaces ? "effect" : "void"} as f, got ${describeArg(f)}`,
    )
  }
  if (!(body instanceof Program)) {
    throw new TypeError(
      `${op}(f, program) expects a program as its second argument, got ${describeArg(body)}`,
    )
  }
  const observer: EffectObserver = { f, replaces }
  const name = f.name ? `${op}(${f.name})` : op
  const def = new HandlerDef(answerStart, [StartObserving], name, false, observer)
  return withHandler(def, observedRegion(body)) as Program<T>
}

function describeArg(value: unknown): string {
  if (typeof value === "function")
    return `function ${value.name || "(anonymous)"} (did you pass the factory instead of calling it?)`
  return value === null ? "null" : typeof value
}

/**
 * Runs `program` and calls `f(effect)` for every effect performed inside it (by its
 * frames, by handlers installed inside it, and by tasks spawned inside it), at the
 * perform site, before any handler sees the effect. `f` answers nothing: the effect then
 * goes to the handlers as usual. An error thrown by `f` is thrown at the perform site,
 * where a `try/catch` around the `yield*` catches it. effvm's own internal effects (error
 * enrichment, preemption) are not shown. Nested observers are called innermost first.
 *
 * @example
 * ```ts
 * const seen: string[] = []
 * run(withHandler(reader({ user: "ada" }),
 *   observe((effect) => seen.push(effect.constructor.name), main())))
 * seen // ["Ask", …]
 * ```
 */
export function observe<T, E = Untracked>(
  f: (effect: Effect<unknown>) => void,
  program: Program<T, E>,
): Program<T, E> {
  return region("observe", f, program, false) as Program<T, E>
}

/**
 * Runs `program` and lets `f(effect)` choose, at each perform site inside it (its frames,
 * handlers installed inside it, tasks spawned inside it), the effect that is performed:
 * the same one, or another in its place, which the handlers then see. Anything that is not
 * an effect is a `TypeError` at the perform site; so is an error `f` throws (thrown
 * there as is). effvm's own internal effects are not shown. Nested interceptors run
 * innermost first, each seeing what the inner one chose.
 *
 * @example
 * ```ts
 * // Every Ask("url") inside main asks for "testUrl" instead.
 * const redirected = intercept(
 *   (effect) => (effect instanceof Ask && effect.key === "url" ? new Ask("testUrl") : effect),
 *   main(),
 * )
 * ```
 */
export function intercept<T, E = Untracked, R extends Effect<unknown> = Effect<unknown>>(
  f: (effect: Effect<unknown>) => R,
  program: Program<T, E>,
): Program<T, E | EffectsOf<R>> {
  return region("intercept", f, program, true) as Program<T, E | EffectsOf<R>>
}
