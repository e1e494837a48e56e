// The reference interpreter: the single-task handler semantics of docs/semantics.md §3, written as
// plainly as possible over the AST in ast.ts. It does not import effvm.
//
// How it works: every program runs as a native JS generator (sub-programs and handler
// scopes nest with native `yield*`, the depth is small). A perform `yield`s the effect;
// each `withHandler` is a driver generator that steps its body, answers the effects its
// handler accepts and re-yields the others outward. A continuation is simply the body
// generator suspended at its perform. Aborting a continuation throws a close signal
// into it: no catch clause catches it, every finally runs, innermost first (docs/semantics.md §3:
// "the machine calls return() on its generators innermost first").

import {
  type Action,
  bodyErrorMessage,
  EFFECT_NAMES,
  type EffectKind,
  type HandlerSite,
  type HandlerSpec,
  handlerEffectLabel,
  handlerErrorMessage,
  kindMatches,
  type Observed,
  type Prog,
  type Stmt,
} from "./ast.js"

/** An effect as the reference sees it. */
interface RefEffect {
  readonly kind: EffectKind
  readonly label: string
}

/** What a reference generator yields (effects) and returns (numbers). */
type Gen<T> = Generator<RefEffect, T, number>

/** The reference's UnhandledEffectError (compared by the effect's label). */
export class RefUnhandled extends Error {
  constructor(readonly label: string) {
    super(`Unhandled ${label}`)
  }
}

/**
 * Thrown into a generator to close it: catch clauses let it through, finally blocks run.
 * One per close (one abort), like the machine's marker frame: an error a finally throws
 * while closed by it is recorded here and replaces the abort value (docs/semantics.md §3), and the
 * close goes on.
 */
class CloseSignal {
  /** The error a closing finally threw (the latest), if any. */
  failure: { readonly error: unknown } | null = null
}

function isSignal(e: unknown): e is CloseSignal {
  return e instanceof CloseSignal
}

/** How a generator is entered next: with a value, or with a thrown error. */
type Input = Completion<number>

/** How a computation ended: with a value, or with a thrown error. */
type Completion<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown }

function complete<T>(result: Completion<T>): T {
  if (result.ok) return result.value
  throw result.error
}

const START: Input = { ok: true, value: 0 }

function step(gen: Gen<number>, input: Input): IteratorResult<RefEffect, number> {
  return input.ok ? gen.next(input.value) : gen.throw(input.error)
}

/** Describes an error the same way for both interpreters (see compile.ts). */
export function describeRefError(e: unknown): string {
  if (e instanceof RefUnhandled) return e.message
  if (e instanceof Error) return `${e.name}: ${e.message}`
  return `thrown ${String(e)}`
}

/** Runs `root` on the reference interpreter. */
export function runReference(root: Prog): Observed {
  const log: string[] = []
  const calls = new Map<HandlerSpec, number>()
  const gen = evalProg(root)
  let input: Input = START
  for (;;) {
    let r: IteratorResult<RefEffect, number>
    try {
      r = step(gen, input)
    } catch (e) {
      return { outcome: `error ${describeRefError(e)}`, log }
    }
    if (r.done) return { outcome: `value ${r.value}`, log }
    // No handler is left outside: the perform site gets UnhandledEffectError.
    input = { ok: false, error: new RefUnhandled(r.value.label) }
  }

  function* evalProg(p: Prog): Gen<number> {
    let sum = 0
    for (const s of p.stmts) sum += yield* evalStmt(p, s)
    return sum
  }

  function* evalStmts(p: Prog, stmts: readonly Stmt[]): Gen<number> {
    let sum = 0
    for (const s of stmts) sum += yield* evalStmt(p, s)
    return sum
  }

  function* evalStmt(p: Prog, s: Stmt): Gen<number> {
    switch (s.t) {
      case "perform": {
        const label = `${EFFECT_NAMES[s.kind]}#${s.id}`
        log.push(`${p.name} performs ${label}`)
        const v = yield { kind: s.kind, label }
        log.push(`${p.name} got ${v} for ${label}`)
        return v
      }
      case "call": {
        const v = yield* evalProg(s.body)
        log.push(`${p.name} call ${s.body.name} returned ${v}`)
        return v
      }
      case "with": {
        const v = yield* withHandler(s.handler, evalProg(s.body))
        log.push(`${p.name} with ${s.handler.name} returned ${v}`)
        return v
      }
      case "throw":
        log.push(`${p.name} throws #${s.id}`)
        throw new Error(bodyErrorMessage(p, s.id))
      case "try":
        return yield* evalTry(p, s)
    }
  }

  function* evalTry(p: Prog, s: Extract<Stmt, { t: "try" }>): Gen<number> {
    let result: Completion<number>
    try {
      result = { ok: true, value: yield* evalStmts(p, s.body) }
    } catch (e) {
      if (s.catches && !isSignal(e)) {
        log.push(`${p.name} caught ${describeRefError(e)}`)
        result = { ok: true, value: -1 }
      } else {
        result = { ok: false, error: e }
      }
    }
    const fin = s.fin
    if (fin === null) return complete(result)
    return yield* finallyThen(result, function* () {
      log.push(`${p.name} finally #${s.id}`)
      yield* evalStmts(p, fin)
    })
  }

  /**
   * Runs a finally block after `result`. An error it throws replaces `result`, except
   * while the frame is being closed: then the error is recorded on the close and the close
   * goes on (no catch clause sees it). An abort that reaches the finally (an inner handler
   * aborted from it) takes the frame over: its signal goes on.
   */
  function* finallyThen<T>(result: Completion<T>, fin: () => Gen<void>): Gen<T> {
    try {
      yield* fin()
    } catch (e) {
      if (result.ok || !isSignal(result.error) || isSignal(e)) throw e
      result.error.failure = { error: e }
      throw result.error
    }
    return complete(result)
  }

  /** Re-performs `eff` outward and returns the answer as an Input (a throw is not raised). */
  function* forward(eff: RefEffect): Gen<Input> {
    try {
      return { ok: true, value: yield eff }
    } catch (e) {
      return { ok: false, error: e }
    }
  }

  function* withHandler(h: HandlerSpec, body: Gen<number>): Gen<number> {
    return yield* runUnder(h, body, START)
  }

  /**
   * Runs `body` under `h` from `input` until the body ends. Its value is what the
   * withHandler expression (or the handler's non-tail Resume) receives.
   */
  function* runUnder(h: HandlerSpec, body: Gen<number>, first: Input): Gen<number> {
    let input = first
    // Set once an outer handler abandoned a continuation that holds this withHandler: the
    // close goes on through it whatever happens inside (its value is discarded).
    let closing: CloseSignal | null = null
    for (;;) {
      let r: IteratorResult<RefEffect, number>
      let verdict: Verdict
      try {
        r = step(body, input) // a throw from the body leaves the withHandler
        if (r.done) verdict = { t: "done", value: r.value }
        else if (h.handles !== null && !kindMatches(h.handles, r.value.kind))
          verdict = { t: "pass" }
        else verdict = yield* invokeHandler(h, r.value, body)
      } catch (e) {
        if (closing === null || isSignal(e)) throw e
        closing.failure = { error: e }
        throw closing
      }

      if (verdict.t === "done") {
        if (closing !== null) throw closing
        return verdict.value
      }
      if (verdict.t === "continue") input = verdict.input
      else input = yield* forward(r.value as RefEffect)
      if (!input.ok && isSignal(input.error)) closing = input.error
    }
  }

  type Verdict =
    | { readonly t: "continue"; readonly input: Input } // tail resume of the body
    | { readonly t: "pass" } // the next outer handler gets the same effect and k
    | { readonly t: "done"; readonly value: number } // the withHandler's value

  /**
   * Where the body stands while its handler runs: still waiting in the handler's hands, run
   * by a non-tail Resume, or about to get a tail control (Transfer…) once the handler's
   * frame is closed.
   */
  interface KState {
    state: "owned" | "resumed" | "transferring"
  }

  /** Calls `h` for `eff`; `body` is the continuation, suspended at the perform. */
  function* invokeHandler(h: HandlerSpec, eff: RefEffect, body: Gen<number>): Gen<Verdict> {
    const call = calls.get(h) ?? 0
    calls.set(h, call + 1)
    const action = h.actions[call % h.actions.length]!
    log.push(`${h.name} got ${eff.label}`)
    const k: KState = { state: "owned" }
    let verdict: Verdict
    try {
      verdict = h.fast
        ? fastHandler(h, action, call)
        : yield* generatorHandler(h, eff, action, call, body, k)
    } catch (e) {
      if (isSignal(e)) {
        // The handler frame is being closed from outside while the body still waits in k:
        // k is abandoned too, so the body's finally blocks run (nothing is skipped).
        // It is part of the same close: its errors are recorded on the same signal.
        if (k.state === "resumed") throw e
        throw yield* closeWith(body, e)
      }
      // A handler that throws before it consumed k throws into the perform site.
      if (k.state === "owned") return { t: "continue", input: { ok: false, error: e } }
      // It threw after a tail control (from its finally, as its frame closed): the
      // transfer never happens, k is closed and the error leaves the withHandler.
      if (k.state === "transferring") yield* abandon(body, 0)
      throw e
    }
    if (verdict.t === "done" && k.state === "owned") {
      return { t: "done", value: yield* abandon(body, verdict.value) }
    }
    return verdict
  }

  function fastHandler(h: HandlerSpec, action: Action, call: number): Verdict {
    switch (action.t) {
      case "transfer":
      case "resume": // a returned Resume is a tail resume
        return { t: "continue", input: { ok: true, value: action.value } }
      case "transferThrow":
      case "resumeThrow":
        return {
          t: "continue",
          input: { ok: false, error: new Error(handlerErrorMessage(h, call)) },
        }
      case "pass":
      case "delegate": // no handler code is left to receive the answer: like Pass
        return { t: "pass" }
      case "abort":
        log.push(`${h.name} aborts with ${action.value}`)
        return { t: "done", value: action.value }
      case "throw":
        throw new Error(handlerErrorMessage(h, call))
    }
  }

  function* generatorHandler(
    h: HandlerSpec,
    eff: RefEffect,
    action: Action,
    call: number,
    body: Gen<number>,
    k: KState,
  ): Gen<Verdict> {
    let result: Completion<Verdict>
    try {
      // A handler's own effects go to the handlers outside it: they yield past runUnder.
      if (h.performFirst !== null) yield* handlerPerforms(h, call, "first", h.performFirst)
      result = { ok: true, value: yield* generatorHandlerAction(h, eff, action, call, body, k) }
    } catch (e) {
      result = { ok: false, error: e }
    }
    return yield* finallyThen(result, function* () {
      if (h.finallyLogs) log.push(`${h.name} finally`)
      if (h.finallyPerforms !== null) yield* handlerPerforms(h, call, "finally", h.finallyPerforms)
    })
  }

  function* generatorHandlerAction(
    h: HandlerSpec,
    eff: RefEffect,
    action: Action,
    call: number,
    body: Gen<number>,
    k: KState,
  ): Gen<Verdict> {
    switch (action.t) {
      case "resume":
      case "resumeThrow": {
        k.state = "resumed"
        const input: Input =
          action.t === "resume"
            ? { ok: true, value: action.value }
            : { ok: false, error: new Error(handlerErrorMessage(h, call)) }
        let r: number
        try {
          r = yield* runUnder(h, body, input) // deep: the body sees h again
        } catch (e) {
          if (!action.catchBody || isSignal(e)) throw e
          log.push(`${h.name} caught ${describeRefError(e)}`)
          return { t: "done", value: -1 }
        }
        log.push(`${h.name} post ${r}`)
        if (h.performAfterResume !== null)
          yield* handlerPerforms(h, call, "post", h.performAfterResume)
        return { t: "done", value: r + 1000 }
      }
      case "transfer":
        k.state = "transferring"
        return { t: "continue", input: { ok: true, value: action.value } }
      case "transferThrow":
        k.state = "transferring"
        return {
          t: "continue",
          input: { ok: false, error: new Error(handlerErrorMessage(h, call)) },
        }
      case "pass":
        return { t: "pass" }
      case "delegate": {
        const v = yield eff // re-performed from the handler: outer handlers answer
        log.push(`${h.name} delegated got ${v}`)
        k.state = "transferring"
        return { t: "continue", input: { ok: true, value: v + 1 } }
      }
      case "abort":
        log.push(`${h.name} aborts with ${action.value}`)
        return { t: "done", value: action.value }
      case "throw":
        throw new Error(handlerErrorMessage(h, call))
    }
  }

  function* handlerPerforms(
    h: HandlerSpec,
    call: number,
    site: HandlerSite,
    kind: EffectKind,
  ): Gen<number> {
    const label = handlerEffectLabel(h, call, site, kind)
    log.push(`${h.name} performs ${label}`)
    const v = yield { kind, label }
    log.push(`${h.name} got ${v} for ${label}`)
    return v
  }

  /**
   * Closes an abandoned body: a new close signal runs its finally blocks innermost first;
   * effects they perform go outward (the abandoning handler is not asked). An error thrown
   * by a finally replaces `value`.
   */
  function* abandon(body: Gen<number>, value: number): Gen<number> {
    const close = new CloseSignal()
    const next = yield* closeWith(body, close)
    // An outer handler abandoned a continuation holding this whole withHandler meanwhile:
    // our value, and an error our close recorded, are dropped; the outer close goes on.
    if (next !== close) throw next
    if (close.failure !== null) throw close.failure.error
    return value
  }

  /**
   * Throws `close` into `body` and drives it until the signal comes out, forwarding the
   * effects of its finally blocks outward. Returns the signal that goes on: `close`, or an
   * outer close that abandoned us meanwhile.
   */
  function* closeWith(body: Gen<number>, close: CloseSignal): Gen<CloseSignal> {
    let current = close
    let input: Input = { ok: false, error: close }
    for (;;) {
      let r: IteratorResult<RefEffect, number>
      try {
        r = step(body, input)
      } catch (e) {
        if (!isSignal(e)) current.failure = { error: e }
        return current
      }
      if (r.done) return current
      input = yield* forward(r.value)
      if (!input.ok && isSignal(input.error)) current = input.error
    }
  }
}
