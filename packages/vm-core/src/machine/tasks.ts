import { Control, OP_TRANSFER_ENRICH } from "../control.js"
import { Effect } from "../effect.js"
import type { HandlerDef } from "../handler-def.js"
import { PROGRAM_BODY, type Program } from "../program.js"
import { Continuation, K_ABANDONED, K_LIVE } from "./continuation.js"
import {
  FRAME_PROGRAM,
  Frame,
  keptArgs,
  PromptFrame,
  promptOf,
  type StepGenerator,
} from "./frames.js"

/**
 * What a scheduler (a handler in another package) needs to make tasks: fresh
 * continuations for new tasks and a cross-task throw that enriches again (what it asks of
 * the running machine goes through scheduler-port.ts).
 */

/** The placeholder effect of a task's first continuation (nothing was performed yet). */
export class TaskStart extends Effect<void> {
  declare protected readonly effectIdentity: unknown
}
const taskStart = new TaskStart()

/**
 * A live continuation that runs `program` under the same handler instances as `k`'s
 * performer, up to and including `k`'s handler: the handlers between the handler and the
 * perform site, then the handler itself, then everything outside it (docs/semantics.md §7 spawn).
 * Transferring to it starts the program.
 */
export function spawnContinuation(
  k: Continuation<unknown>,
  program: Program<unknown>,
  between: readonly HandlerDef[] | null = handlersBetween(k),
): Continuation<unknown> {
  const root = taskRootFor(k)
  let parent: Frame = root
  if (between !== null)
    for (const h of between) parent = new PromptFrame(h, parent, promptOf(parent))
  return new Continuation(k.owner, firstFrame(program, parent), root, taskStart)
}

/**
 * The generator protocol (`next`, `throw`, `return`) that a task's first frame can run
 * instead of a program's generator: the machine steps it like one. What it yields is
 * performed or run as a program, a value or error reaching the frame is passed to `next`
 * or `throw`, and `return` closes it.
 */
export interface TaskStep {
  next(value: unknown): IteratorResult<unknown, unknown>
  throw(error: unknown): IteratorResult<unknown, unknown>
  return(value: unknown): IteratorResult<unknown, unknown>
}

/**
 * Like `spawnContinuation(k, program, null)`, but the task's first frame runs `step`, an
 * object of the generator protocol, with no program of its own: a scheduler's task
 * wrapper written by hand. Its frame has no program definition, so tracebacks and
 * `k.frames` skip it, like effvm's own programs.
 */
export function spawnTaskContinuation(
  k: Continuation<unknown>,
  step: TaskStep,
): Continuation<unknown> {
  const root = taskRootFor(k)
  const first = new Frame(FRAME_PROGRAM, step as StepGenerator, root, root, null, undefined)
  return new Continuation(k.owner, first, root, taskStart)
}

/** A new task's root: the prompt of `k`'s handler, marked as a task's bottom. */
function taskRootFor(k: Continuation<unknown>): PromptFrame {
  const bottom = k.bottom
  if (bottom === null) throw new Error("spawnContinuation: the continuation has no handler")
  const root = new PromptFrame(bottom.handler, null, bottom.prompt)
  root.taskRoot = true
  return root
}

/**
 * The handlers between `k`'s performer and its handler, outermost first (as `withHandlers`
 * takes them); null when there are none. A scheduler that installs them itself, inside
 * its task wrapper (`spawnContinuation(k, wrapper, null)`), lets them see the task's final
 * value and close with it instead of being dropped when the task ends.
 */
export function handlersBetween(k: Continuation<unknown>): HandlerDef[] | null {
  const bottom = k.bottom
  let between: HandlerDef[] | null = null
  for (let p = k.top.prompt; p !== null && p !== bottom; p = p.prompt) {
    if (!p.disabled) (between ??= []).push(p.handler)
  }
  return between === null ? null : between.reverse()
}

/**
 * The task's first frame: the program's own generator when it is a generator body (one
 * frame and one generator fewer per task), else a starter frame that runs it, so that a
 * program that fails to start fails inside the task like any other.
 */
function firstFrame(program: Program<unknown>, parent: Frame): Frame {
  if (program.kind === PROGRAM_BODY) {
    try {
      const gen = program.start() as unknown
      if (isPlainGenerator(gen))
        return new Frame(
          FRAME_PROGRAM,
          gen,
          parent,
          promptOf(parent),
          program.def,
          keptArgs(program.args),
        )
    } catch {
      // The starter runs it again and reports the error inside the task.
    }
  }
  return new Frame(FRAME_PROGRAM, startProgram(program), parent, promptOf(parent), null, undefined)
}

// %GeneratorPrototype%: the prototype of every generator function's `prototype`.
const generatorPrototype = (Object.getPrototypeOf(function* () {}) as { prototype: object })
  .prototype

function isPlainGenerator(value: unknown): value is StepGenerator {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.getPrototypeOf(Object.getPrototypeOf(value)) === generatorPrototype
  )
}

function* startProgram(program: Program<unknown>): Generator<unknown, unknown, unknown> {
  return yield* program
}

/**
 * The handler will never resume `k`, and `k` has nothing left to close (a task's last
 * perform, after its body ended): it is let go now instead of being held, with every frame
 * it references, until the run ends (continuations left held are closed then). Call it
 * only when the handler answers with a control to another continuation: an abort of `k`
 * (returning a value) still needs it live.
 */
export function releaseEnded(k: Continuation<unknown>): void {
  if (k.state === K_LIVE) k.state = K_ABANDONED
}

/**
 * Like `TransferThrow(k, error)`, but the error goes through a new enrichment dispatch at
 * `k`'s perform site, so the handlers there (a parent task's boundary) add their entries to
 * its existing context.
 */
export function TransferEnrich(k: Continuation<unknown>, error: unknown): Control<never> {
  return new Control<never>(OP_TRANSFER_ENRICH, k, error)
}
