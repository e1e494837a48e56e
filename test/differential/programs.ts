// fast-check arbitraries of the AST in ast.ts: random programs with nested sub-programs,
// handler scopes, try/catch/finally, throws, and handlers taking every kind of action.

import fc from "fast-check"
import type { Action, EffectKind, HandlerSpec, Prog, Stmt } from "./ast.js"

const kindArb: fc.Arbitrary<EffectKind> = fc.constantFrom<EffectKind>(0, 1, 2)

const valueArb = fc.integer({ min: 0, max: 99 })

/** Weighted towards answering, so bodies often get past their first perform. */
const generatorActionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    arbitrary: fc.record({
      t: fc.constant("resume" as const),
      value: valueArb,
      catchBody: fc.boolean(),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({ t: fc.constant("resumeThrow" as const), catchBody: fc.boolean() }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("transfer" as const),
      value: valueArb,
      viaResume: fc.constant(false),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("transferThrow" as const),
      viaResumeThrow: fc.constant(false),
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ t: "pass" as const }), weight: 2 },
  { arbitrary: fc.constant({ t: "delegate" as const }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant("abort" as const), value: valueArb }), weight: 2 },
  { arbitrary: fc.constant({ t: "throw" as const }), weight: 1 },
)

const fastActionArb: fc.Arbitrary<Action> = fc.oneof(
  // A fast-path handler's returned Resume / ResumeThrow is a tail resume.
  {
    arbitrary: fc.record({
      t: fc.constant("transfer" as const),
      value: valueArb,
      viaResume: fc.boolean(),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("transferThrow" as const),
      viaResumeThrow: fc.boolean(),
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ t: "pass" as const }), weight: 2 },
  { arbitrary: fc.constant({ t: "delegate" as const }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("abort" as const), value: valueArb }), weight: 2 },
  { arbitrary: fc.constant({ t: "throw" as const }), weight: 1 },
)

/** Usually null: handlers that perform effects themselves make answers rarer. */
const rarelyKindArb: fc.Arbitrary<EffectKind | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  { arbitrary: kindArb, weight: 1 },
)

type Unnamed<T> = Omit<T, "name">

const handlerArb: fc.Arbitrary<Unnamed<HandlerSpec>> = fc.boolean().chain((fast) =>
  fc.record({
    fast: fc.constant(fast),
    handles: fc.option(fc.uniqueArray(kindArb, { minLength: 1, maxLength: 2 }), {
      nil: null,
      freq: 2,
    }),
    actions: fc.array(fast ? fastActionArb : generatorActionArb, { minLength: 1, maxLength: 4 }),
    performFirst: fast ? fc.constant(null) : rarelyKindArb,
    performAfterResume: fast ? fc.constant(null) : rarelyKindArb,
    finallyLogs: fast ? fc.constant(false) : fc.boolean(),
    finallyPerforms: fast ? fc.constant(null) : rarelyKindArb,
  }),
)

/** Statement shapes before names and ids are given out (see `numbered`). */
type RawStmt =
  | { t: "perform"; kind: EffectKind }
  | { t: "call"; body: RawStmt[] }
  | { t: "with"; handler: Unnamed<HandlerSpec>; body: RawStmt[] }
  | { t: "throw" }
  | { t: "try"; body: RawStmt[]; catches: boolean; fin: RawStmt[] | null }

const performArb = kindArb.map((kind): RawStmt => ({ t: "perform", kind }))
const throwArb = fc.constant<RawStmt>({ t: "throw" })

/** A finally block: logs (always), performs, rarely throws. */
const finArb: fc.Arbitrary<RawStmt[] | null> = fc.option(
  fc.array(fc.oneof({ arbitrary: performArb, weight: 4 }, { arbitrary: throwArb, weight: 1 }), {
    maxLength: 2,
  }),
  { nil: null, freq: 3 },
)

function stmtsArb(depth: number, allowTry: boolean): fc.Arbitrary<RawStmt[]> {
  const leaf = fc.oneof({ arbitrary: performArb, weight: 8 }, { arbitrary: throwArb, weight: 1 })
  if (depth <= 0) return fc.array(leaf, { minLength: 1, maxLength: 3 })
  const nested: fc.Arbitrary<RawStmt>[] = [
    stmtsArb(depth - 1, true).map((body): RawStmt => ({ t: "call", body })),
    fc
      .tuple(handlerArb, stmtsArb(depth - 1, true))
      .map(([handler, body]): RawStmt => ({ t: "with", handler, body })),
  ]
  if (allowTry) {
    nested.push(
      fc
        .record({ body: stmtsArb(depth - 1, false), catches: fc.boolean(), fin: finArb })
        .map((r): RawStmt => ({ t: "try", ...r })),
    )
  }
  const stmt = fc.oneof(
    { arbitrary: leaf, weight: 3 },
    ...nested.map((arbitrary) => ({ arbitrary, weight: 2 })),
  )
  return fc.array(stmt, { minLength: 1, maxLength: 4 })
}

/** Gives every program, handler and perform a distinct name/id, in source order. */
function numbered(raw: RawStmt[]): Prog {
  let programs = 0
  let handlers = 0
  let ids = 0
  const prog = (stmts: RawStmt[]): Prog => {
    const name = `p${programs++}`
    return { name, stmts: stmts.map(stmt) }
  }
  const stmt = (s: RawStmt): Stmt => {
    switch (s.t) {
      case "perform":
        return { t: "perform", kind: s.kind, id: ids++ }
      case "throw":
        return { t: "throw", id: ids++ }
      case "call":
        return { t: "call", body: prog(s.body) }
      case "with": {
        const handler = { ...s.handler, name: `h${handlers++}` }
        return { t: "with", handler, body: prog(s.body) }
      }
      case "try":
        return {
          t: "try",
          id: ids++,
          body: s.body.map(stmt),
          catches: s.catches,
          fin: s.fin === null ? null : s.fin.map(stmt),
        }
    }
  }
  return prog(raw)
}

/**
 * A random root program of at most `depth` levels of nesting, under a stack of 1 to 3
 * handlers (so most performs are answered and runs get past their first effect).
 */
export function programArb(depth = 3): fc.Arbitrary<Prog> {
  return fc
    .tuple(fc.array(handlerArb, { minLength: 1, maxLength: 3 }), stmtsArb(depth, true))
    .map(([stack, body]) =>
      numbered(
        stack.reduceRight<RawStmt[]>(
          (inner, handler) => [{ t: "with", handler, body: inner }],
          body,
        ),
      ),
    )
}

/** A readable rendering of a program, for failure messages and regression tests. */
export function showProg(p: Prog, indent = ""): string {
  const lines: string[] = [`${indent}${p.name}:`]
  const inner = `${indent}  `
  const show = (s: Stmt, at: string): void => {
    switch (s.t) {
      case "perform":
        lines.push(`${at}perform E${s.kind + 1}#${s.id}`)
        return
      case "throw":
        lines.push(`${at}throw #${s.id}`)
        return
      case "call":
        lines.push(`${at}call`)
        lines.push(showProg(s.body, `${at}  `))
        return
      case "with":
        lines.push(`${at}with ${JSON.stringify(s.handler)}`)
        lines.push(showProg(s.body, `${at}  `))
        return
      case "try":
        lines.push(`${at}try #${s.id} (catches: ${s.catches})`)
        for (const b of s.body) show(b, `${at}  `)
        if (s.fin !== null) {
          lines.push(`${at}finally`)
          for (const f of s.fin) show(f, `${at}  `)
        }
        return
    }
  }
  for (const s of p.stmts) show(s, inner)
  return lines.join("\n")
}
