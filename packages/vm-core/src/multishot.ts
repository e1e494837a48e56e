/**
 * Multi-shot handlers by replay. The machine's continuations are one-shot: a continuation
 * is a segment of live generator frames, and a JS generator cannot be copied. A handler
 * declared `multishot` is installed as a recording handler around the body instead:
 *
 * - every effect that leaves the body is answered through it and its answer logged;
 * - the first resume of a `k` resumes the real, one-shot continuation;
 * - a later resume runs the body again from its start, answering the effects it performed
 *   before the perform of `k` from the log (no handler is called for them), then delivers
 *   the new value and goes on live. The re-run is a sub-program of the handler, so
 *   `yield* Resume(k, v)` evaluates to that run's result, exactly as for the first.
 *
 * Effects of the scheduler and the machine's own effects are not replayed: they pass
 * through, so tasks spawned in a re-run are the re-run's own.
 */

import {
  Control,
  Delegate,
  OP_DELEGATE,
  OP_PASS,
  OP_RESUME,
  OP_RESUME_THROW,
  OP_TRANSFER,
  OP_TRANSFER_THROW,
  Pass,
  Resume,
  ResumeThrow,
  Transfer,
  TransferThrow,
} from "./control.js"
import { describeEffect, type Effect } from "./effect.js"
import { GetExecutionContext } from "./errors/context.js"
import { JournalDivergenceError } from "./errors/journal-divergence.js"
import { HandlerDef } from "./handler-def.js"
import type { ProgramGenerator, Yielded } from "./instruction.js"
import { Preempt } from "./machine/builtin-effects.js"
import type { Continuation } from "./machine/continuation.js"
import { TaskStart } from "./machine/tasks.js"
import { PROGRAM_BODY, PROGRAM_WITH_HANDLER, Program, ProgramDef } from "./program.js"

/** One logged answer: the effect performed at that position and what the body received. */
interface Answer {
  readonly effect: Effect<unknown>
  readonly threw: boolean
  readonly value: unknown
}

/** An effect class whose instances run live in every run of a body (the scheduler's). */
const REPLAYS_LIVE = Symbol.for("effvm.multishot.live")

/**
 * Marks an effect class as performed live in every re-run of a multi-shot body instead of
 * being answered from the log (the scheduler marks its effects: a re-run spawns its own
 * tasks). @internal
 */
export function performLiveOnRerun(effectClass: abstract new (...args: never[]) => object): void {
  Object.defineProperty(effectClass.prototype, REPLAYS_LIVE, { value: true })
}

function passesThrough(effect: Effect<unknown>): boolean {
  return (
    (effect as unknown as Record<symbol, unknown>)[REPLAYS_LIVE] === true ||
    effect instanceof GetExecutionContext ||
    effect instanceof Preempt ||
    effect instanceof TaskStart
  )
}

/** One run of the body under a multi-shot handler: the log it replays and the one it keeps. */
class BodyRun {
  /** Answers in perform order; the first `prefix.length` come from `prefix`. */
  readonly log: Answer[] = []

  constructor(
    readonly handler: HandlerDef,
    readonly body: Program<unknown>,
    readonly prefix: readonly Answer[],
  ) {}
}

/**
 * The continuation a multi-shot handler receives. Resuming it the first time resumes the
 * body where it performed; each later time re-runs the body up to that perform.
 */
export class MultishotContinuation<R = unknown> {
  /** @hidden phantom answer type. */
  declare readonly effvmAnswer?: R
  /** @internal how many times it has been resumed. */
  resumes = 0

  /** @internal */
  constructor(
    /** @internal the run whose perform this is. */
    readonly run: BodyRun,
    /** @internal the perform's position in the run's log. */
    readonly position: number,
    /** The effect being handled. */
    readonly effect: Effect<unknown>,
    /** @internal the real, one-shot continuation of the first run. */
    readonly first: Continuation<unknown>,
  ) {}

  /** Always true: a multi-shot continuation can be resumed any number of times. */
  get resumable(): boolean {
    return true
  }
}

/** The program `withHandler(h, body)` makes for a multi-shot `h`. */
export function multishotRegion<T>(h: HandlerDef, body: Program<T>): Program<T> {
  // Programs are re-runnable, so each start of the region begins a fresh log.
  return new Program<T>(
    PROGRAM_BODY,
    freshRegion,
    [h, body],
    new ProgramDef(`withHandler(${h.name})`, undefined),
  )
}

function* freshRegion(h: HandlerDef, body: Program<unknown>): ProgramGenerator<unknown> {
  return yield* bodyRun(new BodyRun(h, body, []))
}

function bodyRun(run: BodyRun): Program<unknown> {
  // A plain function, so that a replayed answer takes the machine's fast path (one control
  // value, no generator); live answers return a generator and become a generator handler.
  const recorder = new HandlerDef(
    (effect: Effect<unknown>, k: Continuation<unknown>) => answer(run, effect, k),
    null,
    run.handler.name,
  )
  return new Program(
    PROGRAM_WITH_HANDLER,
    undefined,
    undefined,
    new ProgramDef(`withHandler(${run.handler.name})`, undefined),
    recorder,
    run.prefix.length === 0 ? run.body : checkedToEnd(run),
  )
}

/** The body of a re-run, which must not end before it has replayed its whole prefix. */
function checkedToEnd(run: BodyRun): Program<unknown> {
  return new Program(PROGRAM_BODY, replayedBody, [run], run.body.def)
}

function* replayedBody(run: BodyRun): ProgramGenerator<unknown> {
  const value = yield* run.body
  if (run.log.length < run.prefix.length) {
    const position = run.log.length
    throw new JournalDivergenceError(
      position,
      describeEffect(run.prefix[position]!.effect),
      "no effect (the body returned)",
    )
  }
  return value
}

/** The recording handler's answer to one effect leaving the body. */
function answer(run: BodyRun, effect: Effect<unknown>, k: Continuation<unknown>): unknown {
  if (passesThrough(effect)) return Pass()
  const position = run.log.length
  if (position < run.prefix.length) {
    const logged = run.prefix[position]!
    if (!sameEffect(logged.effect, effect)) {
      throw new JournalDivergenceError(
        position,
        describeEffect(logged.effect),
        describeEffect(effect),
      )
    }
    run.log.push(logged)
    return logged.threw ? TransferThrow(k, logged.value) : Transfer(k, logged.value)
  }
  if (!run.handler.accepts(effect)) return answerOutside(run, effect, k)
  // Reserve the position: the body stays suspended here until the first resume fills it.
  run.log.push({ effect, threw: false, value: undefined })
  const mk = new MultishotContinuation(run, position, effect, k)
  return drive(run.handler.fn(effect, mk as unknown as Continuation<unknown>), mk)
}

/** An effect the multi-shot handler does not answer: outer handlers do, and it is logged. */
function* answerOutside(run: BodyRun, effect: Effect<unknown>, k: Continuation<unknown>) {
  let logged: Answer
  try {
    logged = { effect, threw: false, value: yield* Delegate() }
  } catch (error) {
    logged = { effect, threw: true, value: error }
  }
  run.log.push(logged)
  return logged.threw ? yield* TransferThrow(k, logged.value) : yield* Transfer(k, logged.value)
}

function isGenerator(value: unknown): value is Generator<Yielded, unknown, unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Generator).next === "function" &&
    typeof (value as Generator).throw === "function"
  )
}

/**
 * Runs the user's handler on behalf of the recording handler: its controls on `mk` are
 * carried out here, everything else it yields goes to the machine unchanged.
 */
function* drive(result: unknown, mk: MultishotContinuation): Generator<Yielded, unknown, unknown> {
  if (!isGenerator(result)) {
    // A fast-path handler: its return value is a control, or an abort value.
    if (result instanceof Control) return yield* control(result, mk)
    return result
  }
  const gen = result
  let input: unknown
  let failed = false
  for (;;) {
    const step = failed ? gen.throw(input) : gen.next(input)
    if (step.done) return step.value
    const yielded = step.value
    if (yielded instanceof Control && ((yielded.k as unknown) === mk || yielded.op === OP_PASS)) {
      const op = yielded.op
      if (op === OP_TRANSFER || op === OP_TRANSFER_THROW || op === OP_PASS) {
        // Tail position: the handler's frame ends here, its finally blocks run first.
        gen.return(undefined)
        return yield* control(yielded, mk)
      }
      try {
        input = yield* control(yielded, mk)
        failed = false
      } catch (error) {
        input = error
        failed = true
      }
      continue
    }
    try {
      input = yield yielded
      failed = false
    } catch (error) {
      input = error
      failed = true
    }
  }
}

/** A control the handler issued on `mk`, or a `Pass()`. */
function* control(
  c: Control<unknown>,
  mk: MultishotContinuation,
): Generator<Yielded, unknown, unknown> {
  const op = c.op
  if (op === OP_PASS) {
    // Outer handlers answer in its place; the answer is logged so that re-runs replay it.
    let answer: unknown
    let threw = false
    try {
      answer = yield* Delegate()
    } catch (error) {
      answer = error
      threw = true
    }
    return yield* deliver(mk, threw ? OP_TRANSFER_THROW : OP_TRANSFER, answer)
  }
  if (op === OP_DELEGATE || (c.k as unknown) !== mk) return yield c
  return yield* deliver(mk, op, c.value)
}

/** Resumes `mk` the `op` way with `value`: the real continuation first, then by re-runs. */
function* deliver(
  mk: MultishotContinuation,
  op: number,
  value: unknown,
): Generator<Yielded, unknown, unknown> {
  const threw = op === OP_RESUME_THROW || op === OP_TRANSFER_THROW
  const run = mk.run
  const answered: Answer = { effect: mk.effect, threw, value }
  if (mk.resumes++ === 0) {
    run.log[mk.position] = answered
    switch (op) {
      case OP_RESUME:
        return yield* Resume(mk.first, value)
      case OP_RESUME_THROW:
        return yield* ResumeThrow(mk.first, value)
      case OP_TRANSFER:
        return yield* Transfer(mk.first, value)
      default:
        return yield* TransferThrow(mk.first, value)
    }
  }
  // A later resume: a fresh run of the body that replays up to and including this answer.
  const prefix = run.log.slice(0, mk.position)
  prefix.push(answered)
  return yield* bodyRun(new BodyRun(run.handler, run.body, prefix))
}

/** Whether a re-run's effect is the logged one: same class, same own fields. */
function sameEffect(logged: Effect<unknown>, now: Effect<unknown>): boolean {
  if (logged === now) return true
  if (logged.constructor !== now.constructor) return false
  return sameFields(logged as object, now as object, 0)
}

// Runs once per replayed effect: `for…in` over own fields, no key arrays allocated.
function sameFields(a: object, b: object, depth: number): boolean {
  for (const key in a) {
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth))
      return false
  }
  for (const key in b) if (!(key in a)) return false
  return true
}

function sameValue(a: unknown, b: unknown, depth: number): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (depth >= 8 || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false
  return sameFields(a, b, depth + 1)
}
