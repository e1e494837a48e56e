import { Effect } from "../effect.js"
import { GetExecutionContext, settle } from "../errors/context.js"
import { recordOrigin } from "../errors/origin.js"
import { AwaitExternal } from "../external.js"
import type { Program } from "../program.js"
import { EXHAUSTED } from "./error-site.js"
import { FRAME_ERROR_SITE, FRAME_PREEMPT, Frame, promptOf } from "./frames.js"
import { insideRegion, Settlement } from "./journal-port.js"
import { DISARMED, MODE_DELIVER, MODE_EXTERNAL, MODE_THROW } from "./modes.js"
import type { Machine } from "./state.js"
import { throwAt } from "./transitions.js"

/**
 * Effects the machine answers itself when no handler does. Returns false for an effect
 * that is really unhandled.
 */
export function answerUnhandled(vm: Machine, f: Frame, effect: Effect<unknown>): boolean {
  if (effect instanceof GetExecutionContext) {
    // Never unhandled: an error site throws the original, user code gets its own context.
    deliver(vm, f, f.kind === FRAME_ERROR_SITE ? EXHAUSTED : effect.context)
    return true
  }
  if (effect instanceof Preempt) {
    if (vm.stopPending) {
      // A stop with no scheduler to deliver it: thrown at the perform the stand-in preceded.
      vm.stopPending = false
      throwAt(vm, f.kind === FRAME_PREEMPT ? f.parent : f, vm.stopError)
    } else deliver(vm, f, undefined)
    return true
  }
  if (effect instanceof AwaitExternal) {
    if (vm.sync) {
      // Observe the promise so its rejection is not reported as unhandled.
      Promise.resolve(effect.promise).catch(() => {})
      throwAt(
        vm,
        f,
        new Error(
          "The program waits on an external promise (awaitExternal), but run() is synchronous. Use runAsync() to run programs that wait on promises.",
        ),
      )
    } else park(vm, f, effect)
    return true
  }
  return false
}

function deliver(vm: Machine, f: Frame, value: unknown): void {
  vm.top = f
  vm.mode = MODE_DELIVER
  vm.value = value
}

/**
 * Performed by the machine when a step budget set by a scheduler is spent (docs/semantics.md §7):
 * catch-all handlers pass it, and when nobody answers it evaluates to `undefined`.
 */
export class Preempt extends Effect<void> {
  declare protected readonly effectIdentity: unknown
}

/**
 * The step budget is spent: perform the preemption effect first, then `next` (the effect
 * `f` performs, or the sub-program it calls). A small frame on top of `f` does both, so
 * the answer still lands in `f`.
 */
export function preemptBefore(
  vm: Machine,
  f: Frame,
  next: Effect<unknown> | Program<unknown>,
): void {
  vm.preemptAt = DISARMED
  vm.top = new Frame(FRAME_PREEMPT, preemptThen(next), f, promptOf(f), null, undefined)
  vm.mode = MODE_DELIVER
  vm.value = undefined
}

function* preemptThen(
  next: Effect<unknown> | Program<unknown>,
): Generator<unknown, unknown, unknown> {
  yield* new Preempt()
  return yield* next
}

/** Parks the machine until `promise` settles, then resumes `f` with the outcome. */
function park(vm: Machine, f: Frame, effect: AwaitExternal<unknown>): void {
  let promise = effect.promise
  if (vm.journal !== null && insideRegion(vm.journal, f)) {
    const journaled = vm.journal.external(promise)
    if (journaled instanceof Settlement) {
      deliverSettlement(vm, f, effect, journaled.ok, journaled.value)
      return
    }
    promise = journaled
  }
  vm.top = f
  vm.mode = MODE_EXTERNAL
  let wake: () => void = noop
  const parked = new Promise<void>((resolve) => {
    wake = resolve
  })
  vm.parked = parked
  vm.unpark = wake
  // A stop while parked (stop.ts) replaces `parked`: the settlement then arrives too late.
  Promise.resolve(promise).then(
    (value) => {
      if (vm.parked !== parked) return
      vm.parked = null
      vm.unpark = null
      vm.mode = MODE_DELIVER
      vm.value = value
      wake()
    },
    (error: unknown) => {
      if (vm.parked !== parked) return
      // Rejections are raised at the waiting frame and never enriched there (docs/semantics.md §5).
      settle(error)
      recordOrigin(error, f, { effect, k: null, last: "resumed" })
      vm.parked = null
      vm.unpark = null
      vm.mode = MODE_THROW
      vm.value = error
      wake()
    },
  )
}

/** A settlement the journal holds: delivered at once, as a live one would be. */
function deliverSettlement(
  vm: Machine,
  f: Frame,
  effect: AwaitExternal<unknown>,
  ok: boolean,
  value: unknown,
): void {
  if (ok) {
    deliver(vm, f, value)
    return
  }
  settle(value)
  recordOrigin(value, f, { effect, k: null, last: "resumed" })
  vm.top = f
  vm.mode = MODE_THROW
  vm.value = value
}

function noop(): void {}
