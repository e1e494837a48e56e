import {
  type Control,
  OP_DELEGATE,
  OP_PASS,
  OP_RESUME,
  OP_RESUME_THROW,
  OP_TRANSFER,
} from "../control.js"
import type { Effect } from "../effect.js"
import type { Continuation } from "../machine/continuation.js"
import {
  FRAME_HANDLER,
  FRAME_PREEMPT,
  type Frame,
  type HandlerFrame,
  type PromptFrame,
} from "../machine/frames.js"
import type { Machine } from "../machine/state.js"

/**
 * Where the machine reports effect events. Each is called behind one `vm.trace !== null`
 * check, so a run without tracing pays nothing else.
 */

/** Frame `f` performs `effect` (one event per `yield* effect`). */
export function tracePerform(vm: Machine, f: Frame, effect: Effect<unknown>): void {
  // The preemption stand-in re-performs an effect already reported.
  if (f.kind === FRAME_PREEMPT) return
  vm.trace!.effect("perform", effect, undefined)
}

/** A fast-path handler (prompt `p`) answered `k` with control `c`. */
export function traceFastControl(
  vm: Machine,
  p: PromptFrame,
  k: Continuation<unknown>,
  c: Control,
): void {
  const target = c.k
  report(vm, c.op, target !== null && typeof target === "object" ? target : k, p.handler.name)
}

/** A generator handler (or a program it called, frame `f`) yielded control `c`. */
export function traceHandlerControl(vm: Machine, f: Frame, c: Control): void {
  const h = enclosingHandler(f)
  const op = c.op
  if (op === OP_PASS || op === OP_DELEGATE) {
    if (h !== null) report(vm, op, h.k, h.via.handler.name)
    return
  }
  const k = c.k
  if (k === null || typeof k !== "object") return
  report(vm, op, k, h === null ? "(none)" : h.via.handler.name)
}

function report(vm: Machine, op: number, k: Continuation<unknown>, handler: string): void {
  const tracer = vm.trace!
  const effect = k.effect
  if (effect === undefined) return
  if (op === OP_PASS) tracer.effect("pass", effect, handler)
  else if (op === OP_DELEGATE) tracer.effect("delegate", effect, handler)
  else if (op === OP_RESUME) tracer.effect("resume", effect, handler)
  else if (op === OP_TRANSFER) tracer.effect("transfer", effect, handler)
  else tracer.throwingControl(op === OP_RESUME_THROW ? "resume" : "transfer", effect, handler)
}

function enclosingHandler(f: Frame): HandlerFrame | null {
  for (let g: Frame | null = f; g !== null; g = g.parent) {
    if (g.kind === FRAME_HANDLER) return g as HandlerFrame
  }
  return null
}
