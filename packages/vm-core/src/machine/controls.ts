import {
  type Control,
  OP_CLOSE,
  OP_DELEGATE,
  OP_PASS,
  OP_RESUME,
  OP_RESUME_THROW,
  OP_TRANSFER,
  OP_TRANSFER_ENRICH,
  OP_TRANSFER_THROW,
} from "../control.js"
import { settle } from "../errors/context.js"
import { ContinuationError } from "../errors/errors.js"
import { traceHandlerControl } from "../trace/hooks.js"
import { claim, stateWord } from "./claim.js"
import { endHandlerThen } from "./close.js"
import { closeHeld } from "./close-request.js"
import { K_LIVE } from "./continuation.js"
import {
  AFTER_PASS,
  AFTER_TRANSFER,
  AFTER_TRANSFER_ENRICH,
  AFTER_TRANSFER_THROW,
  FRAME_HANDLER,
  type Frame,
  type HandlerFrame,
} from "./frames.js"
import { noteHeld } from "./held.js"
import { controlName, frameName } from "./naming.js"
import { delegate } from "./perform.js"
import type { Machine } from "./state.js"
import { reinstall, resumeWith, throwAt } from "./transitions.js"

/**
 * Controls yielded by a frame (a generator handler or a program it called): Resume and
 * ResumeThrow continue `k` on top of that frame; the terminal ones (Transfer, TransferThrow,
 * Pass, Delegate and the scheduler's TransferEnrich) end the handler first (close.ts). A
 * fast-path handler's returned control is read by the perform that called it (perform.ts).
 */

/** A control value yielded by frame `f` (a generator handler or a program it called). */
export function handleControl(vm: Machine, f: Frame, c: Control): void {
  const op = c.op
  if (op === OP_CLOSE) {
    closeHeld(vm, f, c.k)
    return
  }
  if (vm.trace !== null) traceHandlerControl(vm, f, c)
  if (op === OP_RESUME || op === OP_RESUME_THROW) {
    const k1 = claim(vm, f, c.k)
    if (k1 === null) return
    reinstall(k1, f)
    resumeWith(vm, k1, op, c.value)
    return
  }
  const h = enclosingHandler(f)
  if (h === null) {
    throwAt(
      vm,
      f,
      new TypeError(`${controlName(op)}() yielded outside a handler, in ${frameName(f)}.`),
    )
    return
  }
  switch (op) {
    case OP_TRANSFER:
    case OP_TRANSFER_THROW:
    case OP_TRANSFER_ENRICH: {
      if (op === OP_TRANSFER_THROW) settle(c.value)
      const k1 = claim(vm, f, c.k)
      if (k1 === null) return
      if (k1 !== h.k && h.k.state === K_LIVE) noteHeld(vm, h.k)
      const after =
        op === OP_TRANSFER
          ? AFTER_TRANSFER
          : op === OP_TRANSFER_THROW
            ? AFTER_TRANSFER_THROW
            : AFTER_TRANSFER_ENRICH
      endHandlerThen(vm, f, h, after, c.value, k1)
      return
    }
    case OP_PASS:
      if (h.k.state !== K_LIVE) {
        throwAt(
          vm,
          f,
          new ContinuationError(
            `Pass() in handler ${h.via.handler.name} after its continuation was ${stateWord(h.k)}: only a handler that still holds k can pass it on.`,
          ),
        )
        return
      }
      endHandlerThen(vm, f, h, AFTER_PASS, undefined, h.k)
      return
    case OP_DELEGATE:
      delegate(vm, f, h)
      return
    default:
      op satisfies never
  }
}

/** The nearest generator handler frame at or below `f`. */
function enclosingHandler(f: Frame): HandlerFrame | null {
  for (let g: Frame | null = f; g !== null; g = g.parent) {
    if (g.kind === FRAME_HANDLER) return g as HandlerFrame
  }
  return null
}
