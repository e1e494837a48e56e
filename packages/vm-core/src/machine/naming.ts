import {
  type ControlOp,
  OP_CLOSE,
  OP_DELEGATE,
  OP_PASS,
  OP_RESUME,
  OP_RESUME_THROW,
  OP_TRANSFER,
  OP_TRANSFER_ENRICH,
  OP_TRANSFER_THROW,
} from "../control.js"
import { FRAME_HANDLER, type Frame, type HandlerFrame, promptOf } from "./frames.js"

/** How the machine's messages name frames and the handlers around them. */

/** Names of the handlers visible from `f`, innermost first. */
export function handlersInScope(f: Frame | null): string[] {
  const names: string[] = []
  for (let p = promptOf(f); p !== null; p = p.prompt) if (!p.disabled) names.push(p.handler.name)
  return names
}

/** How messages name a frame: `walk (src/app.ts:12)` or `handler cache`. */
export function frameName(f: Frame | null): string {
  if (f === null) return "the root"
  if (f.kind === FRAME_HANDLER) return `handler ${(f as HandlerFrame).via.handler.name}`
  if (f.def !== null) {
    const site = f.def.site
    return site ? `${f.def.name} (${site})` : f.def.name
  }
  return "a handler boundary"
}

/** The name a control is written with, for messages. */
export function controlName(op: ControlOp): string {
  switch (op) {
    case OP_RESUME:
      return "Resume"
    case OP_TRANSFER:
      return "Transfer"
    case OP_RESUME_THROW:
      return "ResumeThrow"
    case OP_TRANSFER_THROW:
      return "TransferThrow"
    case OP_PASS:
      return "Pass"
    case OP_DELEGATE:
      return "Delegate"
    case OP_TRANSFER_ENRICH:
      return "TransferEnrich"
    case OP_CLOSE:
      return "CloseContinuation"
  }
}
