import { describeValue, Effect } from "../effect.js"
import { recordOrigin } from "../errors/origin.js"
import { tracePerform } from "../trace/hooks.js"
import { FRAME_PREEMPT, type Frame } from "./frames.js"
import { perform } from "./perform.js"
import type { Machine } from "./state.js"
import { throwAt } from "./transitions.js"

/**
 * A perform in a traced or observed run: observers first (they may replace the effect or
 * throw), then the trace event, then the dispatch. The preemption stand-in re-performs an
 * effect already observed and reported, so it only dispatches.
 */
export function performHooked(vm: Machine, f: Frame, performed: Effect<unknown>): void {
  let effect: Effect<unknown> | null = performed
  if (f.kind !== FRAME_PREEMPT) {
    if (vm.observed) {
      effect = observeAt(vm, f, performed)
      if (effect === null) return
    }
    if (vm.trace !== null) tracePerform(vm, f, effect)
  }
  perform(vm, f, effect)
}

/**
 * `observe` and `intercept` regions (observe.ts) are prompts whose handler carries an
 * observer and declares only the effect that switches observation on. A run pays nothing
 * for them until one has started: the machine's one perform check (`vm.hooked`) is shared
 * with tracing. Then each perform walks its prompt chain and calls the observers in scope,
 * innermost first, before any handler is looked up. effvm's own effects (those kept out of
 * traces) are not shown.
 *
 * Returns the effect to perform (an interceptor may have replaced it), or null when an
 * observer threw: the error is then thrown at the perform site, as a handler's error
 * before it consumed k.
 */
function observeAt(vm: Machine, f: Frame, effect: Effect<unknown>): Effect<unknown> | null {
  if ((effect as { effvmUntraced?: boolean }).effvmUntraced === true) return effect
  let current = effect
  for (let p = f.prompt; p !== null; p = p.prompt) {
    const observer = p.handler.observer
    if (observer === null || p.disabled) continue
    let answer: unknown
    try {
      answer = observer.f(current)
    } catch (error) {
      recordOrigin(error, f, { effect: current, k: null, last: "threw" })
      throwAt(vm, f, error)
      return null
    }
    if (!observer.replaces) continue
    if (!(answer instanceof Effect)) {
      const error = new TypeError(
        `intercept(${p.handler.name}): the function must return the effect to perform (the same one or another), got ${describeValue(answer)} for ${describeEffectName(current)}.`,
      )
      recordOrigin(error, f, { effect: current, k: null, last: "threw" })
      throwAt(vm, f, error)
      return null
    }
    current = answer
  }
  return current
}

function describeEffectName(effect: Effect<unknown>): string {
  return effect.constructor?.name ?? "an effect"
}
