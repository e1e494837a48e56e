// Compiles the AST of ast.ts to real effvm programs and handlers, and runs them on the
// machine, recording the same log lines the reference interpreter records.

import {
  Delegate,
  Effect,
  type HandlerDef,
  handler,
  Pass,
  type Program,
  type ProgramGenerator,
  program,
  Resume,
  ResumeThrow,
  run,
  Transfer,
  TransferThrow,
  UnhandledEffectError,
  withHandler,
} from "@effvm/vm-core"
import {
  bodyErrorMessage,
  EFFECT_NAMES,
  type EffectKind,
  type HandlerSite,
  type HandlerSpec,
  handlerEffectLabel,
  handlerErrorMessage,
  type Observed,
  type Prog,
  type Stmt,
} from "./ast.js"

/** The effects of generated programs; `label` names the perform site in logs. */
export class DiffEffect extends Effect<number> {
  constructor(readonly label: string) {
    super()
  }
}
export class E1 extends DiffEffect {}
export class E2 extends DiffEffect {}
export class E3 extends E2 {}

const EFFECT_CLASSES = [E1, E2, E3] as const

function makeEffect(kind: EffectKind, id: string | number): DiffEffect {
  return new EFFECT_CLASSES[kind](`${EFFECT_NAMES[kind]}#${id}`)
}

/** Describes an error as the reference does (describeRefError). */
export function describeMachineError(e: unknown): string {
  if (e instanceof UnhandledEffectError && e.effect instanceof DiffEffect) {
    return `Unhandled ${e.effect.label}`
  }
  if (e instanceof Error) return `${e.name}: ${e.message}`
  return `thrown ${String(e)}`
}

/** Runs `root` on the effvm machine. */
export function runMachine(root: Prog): Observed {
  const log: string[] = []
  try {
    const value = run(compileProg(root, log))
    return { outcome: `value ${value}`, log }
  } catch (e) {
    return { outcome: `error ${describeMachineError(e)}`, log }
  }
}

function compileProg(p: Prog, log: string[]): Program<number> {
  // Called while the parent runs, so every run compiles fresh handlers (fresh call counters).
  return program(function* generatedProgram() {
    let sum = 0
    for (const s of p.stmts) {
      if (s.t !== "try") {
        sum += yield* runStmt(p, s, log)
        continue
      }
      // The try is written out here, in the frame's own generator, not in a helper generator
      // delegated with native yield*: when a closed frame's finally performs an effect, a
      // yield* boundary would turn the return() into a normal completion once the finally
      // ends, and the code after the helper would run (JS semantics; see docs/testing.md).
      let value: number
      try {
        value = yield* runStmts(p, s.body, log)
      } catch (e) {
        if (!s.catches) throw e
        log.push(`${p.name} caught ${describeMachineError(e)}`)
        value = -1
      } finally {
        if (s.fin !== null) {
          log.push(`${p.name} finally #${s.id}`)
          yield* runStmts(p, s.fin, log)
        }
      }
      sum += value
    }
    return sum
  })
}

/** Statements without a try (the generator never puts a try directly inside a try). */
function* runStmts(p: Prog, stmts: readonly Stmt[], log: string[]): ProgramGenerator<number> {
  let sum = 0
  for (const s of stmts) sum += yield* runStmt(p, s, log)
  return sum
}

function* runStmt(p: Prog, s: Stmt, log: string[]): ProgramGenerator<number> {
  switch (s.t) {
    case "perform": {
      const eff = makeEffect(s.kind, s.id)
      log.push(`${p.name} performs ${eff.label}`)
      const v = yield* eff
      log.push(`${p.name} got ${v} for ${eff.label}`)
      return v
    }
    case "call": {
      const v = yield* compileProg(s.body, log)
      log.push(`${p.name} call ${s.body.name} returned ${v}`)
      return v
    }
    case "with": {
      const v = yield* withHandler(compileHandler(s.handler, log), compileProg(s.body, log))
      log.push(`${p.name} with ${s.handler.name} returned ${v}`)
      return v
    }
    case "throw":
      log.push(`${p.name} throws #${s.id}`)
      throw new Error(bodyErrorMessage(p, s.id))
    case "try":
      throw new Error(`a try directly inside a try in ${p.name}: the generator never makes one`)
  }
}

function compileHandler(h: HandlerSpec, log: string[]): HandlerDef {
  let calls = 0
  const handles =
    h.handles === null
      ? undefined
      : EFFECT_CLASSES.filter((_, kind) => h.handles!.includes(kind as EffectKind))
  const options = handles === undefined ? { name: h.name } : { name: h.name, handles }

  if (h.fast) {
    return handler(function generatedFastHandler(eff, k) {
      // Effects the machine performs itself (GetExecutionContext) are not ours: decline.
      if (!(eff instanceof DiffEffect)) return Pass()
      const call = calls++
      const action = h.actions[call % h.actions.length]!
      log.push(`${h.name} got ${eff.label}`)
      switch (action.t) {
        case "transfer":
          return action.viaResume ? Resume(k, action.value) : Transfer(k, action.value)
        case "resume":
          return Resume(k, action.value)
        case "transferThrow": {
          const error = new Error(handlerErrorMessage(h, call))
          return action.viaResumeThrow ? ResumeThrow(k, error) : TransferThrow(k, error)
        }
        case "resumeThrow":
          return ResumeThrow(k, new Error(handlerErrorMessage(h, call)))
        case "pass":
          return Pass()
        case "delegate":
          return Delegate()
        case "abort":
          log.push(`${h.name} aborts with ${action.value}`)
          return action.value
        case "throw":
          throw new Error(handlerErrorMessage(h, call))
      }
    }, options)
  }

  return handler(function* generatedHandler(eff, k) {
    if (!(eff instanceof DiffEffect)) return yield* Pass()
    const call = calls++
    const action = h.actions[call % h.actions.length]!
    log.push(`${h.name} got ${eff.label}`)
    try {
      if (h.performFirst !== null) yield* handlerPerforms(h, call, "first", h.performFirst, log)
      switch (action.t) {
        case "resume":
        case "resumeThrow": {
          let r: number
          try {
            r = (yield* action.t === "resume"
              ? Resume(k, action.value)
              : ResumeThrow(k, new Error(handlerErrorMessage(h, call)))) as number
          } catch (e) {
            if (!action.catchBody) throw e
            log.push(`${h.name} caught ${describeMachineError(e)}`)
            return -1
          }
          log.push(`${h.name} post ${r}`)
          if (h.performAfterResume !== null) {
            yield* handlerPerforms(h, call, "post", h.performAfterResume, log)
          }
          return r + 1000
        }
        case "transfer":
          return yield* Transfer(k, action.value)
        case "transferThrow":
          return yield* TransferThrow(k, new Error(handlerErrorMessage(h, call)))
        case "pass":
          return yield* Pass()
        case "delegate": {
          const v = (yield* Delegate()) as number
          log.push(`${h.name} delegated got ${v}`)
          return yield* Transfer(k, v + 1)
        }
        case "abort":
          log.push(`${h.name} aborts with ${action.value}`)
          return action.value
        case "throw":
          throw new Error(handlerErrorMessage(h, call))
      }
    } finally {
      if (h.finallyLogs) log.push(`${h.name} finally`)
      if (h.finallyPerforms !== null)
        yield* handlerPerforms(h, call, "finally", h.finallyPerforms, log)
    }
  }, options)
}

function* handlerPerforms(
  h: HandlerSpec,
  call: number,
  site: HandlerSite,
  kind: EffectKind,
  log: string[],
): ProgramGenerator<number> {
  const own = new EFFECT_CLASSES[kind](handlerEffectLabel(h, call, site, kind))
  log.push(`${h.name} performs ${own.label}`)
  const v = yield* own
  log.push(`${h.name} got ${v} for ${own.label}`)
  return v
}
