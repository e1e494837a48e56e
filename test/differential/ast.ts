// The small language the differential test generates: programs (statement lists) and the
// handlers they install. Both the reference interpreter (reference.ts) and the compiler to
// real effvm programs (compile.ts) read this AST; neither depends on the other.

/** Which effect a perform uses: 0 = E1, 1 = E2, 2 = E3 (a subclass of E2). */
export type EffectKind = 0 | 1 | 2

export const EFFECT_NAMES = ["E1", "E2", "E3"] as const

/** Whether a handler declaring `handles` (kinds) is offered an effect of `kind`. */
export function kindMatches(handles: readonly EffectKind[], kind: EffectKind): boolean {
  // E3 extends E2, and `handles: [C]` matches subclasses of C.
  return handles.includes(kind) || (kind === 2 && handles.includes(1))
}

/** A statement of a program body. Each evaluates to a number, added to the program's sum. */
export type Stmt =
  | { readonly t: "perform"; readonly kind: EffectKind; readonly id: number }
  | { readonly t: "call"; readonly body: Prog }
  | { readonly t: "with"; readonly handler: HandlerSpec; readonly body: Prog }
  | { readonly t: "throw"; readonly id: number }
  | {
      readonly t: "try"
      readonly id: number
      /** Never contains a `try` directly (nesting goes through `call`/`with`, see below). */
      readonly body: readonly Stmt[]
      /** Whether the catch clause swallows errors (the statement then evaluates to -1). */
      readonly catches: boolean
      /** Only `perform` and `throw` statements (each logs), or null for no finally. */
      readonly fin: readonly Stmt[] | null
    }

// Why no `try` directly inside a `try`: when an abandoned continuation is closed and a
// finally throws, the machine closes the remaining *frames* with return() (docs/semantics.md §3), but
// inside one generator native JS would hand that error to an enclosing catch of the same
// frame. That is JS semantics, not effvm's, so the generator keeps one try per frame level.

/** A program: a named list of statements; it returns the sum of their values. */
export interface Prog {
  readonly name: string
  readonly stmts: readonly Stmt[]
}

/** What a handler does with the n-th effect it receives (cyclically through `actions`). */
export type Action =
  | { readonly t: "resume"; readonly value: number; readonly catchBody: boolean }
  | { readonly t: "resumeThrow"; readonly catchBody: boolean }
  | { readonly t: "transfer"; readonly value: number; readonly viaResume: boolean }
  | { readonly t: "transferThrow"; readonly viaResumeThrow: boolean }
  | { readonly t: "pass" }
  | { readonly t: "delegate" }
  | { readonly t: "abort"; readonly value: number }
  | { readonly t: "throw" }

/** Actions a fast-path (plain function) handler can take. */
export const FAST_ACTIONS = ["transfer", "transferThrow", "pass", "delegate", "abort", "throw"]

export interface HandlerSpec {
  readonly name: string
  /** A plain function returning a control value (true) or a generator handler (false). */
  readonly fast: boolean
  /** Effect kinds declared with `handles`, or null for a catch-all handler. */
  readonly handles: readonly EffectKind[] | null
  readonly actions: readonly Action[]
  /** Generator handlers only: perform this effect kind first (goes to outer handlers). */
  readonly performFirst: EffectKind | null
  /** Generator handlers only: perform this effect kind after a non-tail Resume returns. */
  readonly performAfterResume: EffectKind | null
  /** Generator handlers only: a finally block that logs. */
  readonly finallyLogs: boolean
  /** Generator handlers only: the finally block also performs this effect kind. */
  readonly finallyPerforms: EffectKind | null
}

/** The observable behaviour the test compares. */
export interface Observed {
  readonly outcome: string
  readonly log: readonly string[]
}

/** Where in its code a handler performs an effect of its own. */
export type HandlerSite = "first" | "post" | "finally"

/** The label of an effect a handler performs itself on its n-th call (distinct from body ids). */
export function handlerEffectLabel(
  h: HandlerSpec,
  call: number,
  site: HandlerSite,
  kind: EffectKind,
): string {
  return `${EFFECT_NAMES[kind]}#${h.name}.${call}.${site}`
}

/** The text of the error a body `throw` statement throws. */
export function bodyErrorMessage(prog: Prog, id: number): string {
  return `${prog.name} threw #${id}`
}

/** The text of the error a handler throws or ResumeThrows for its n-th call. */
export function handlerErrorMessage(h: HandlerSpec, call: number): string {
  return `${h.name} threw on call ${call}`
}
