// The differential test is only as good as the programs it generates: this checks that a
// modest sample reaches every construct the comparison is meant to cover, so a change to
// the generator cannot quietly make it vacuous.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { HandlerSpec, Prog, Stmt } from "./ast.js"
import { programArb } from "./programs.js"
import { runReference } from "./reference.js"

const SAMPLE = 400

/** Every handler of a program, in source order. */
function handlersOf(p: Prog): HandlerSpec[] {
  const out: HandlerSpec[] = []
  const visit = (s: Stmt): void => {
    if (s.t === "with") {
      out.push(s.handler)
      s.body.stmts.forEach(visit)
    } else if (s.t === "call") s.body.stmts.forEach(visit)
    else if (s.t === "try") s.body.forEach(visit)
  }
  p.stmts.forEach(visit)
  return out
}

describe("the generated programs", () => {
  const programs = fc.sample(programArb(3), { numRuns: SAMPLE, seed: 20261121 })
  const runs = programs.map((p) => ({ p, observed: runReference(p) }))
  const logs = runs.map((r) => r.observed.log.join("\n"))
  const someLog = (pattern: RegExp) => logs.some((log) => pattern.test(log))

  it("install fast-path and generator handlers, with and without `handles`", () => {
    const handlers = programs.flatMap(handlersOf)
    expect(handlers.some((h) => h.fast)).toBe(true)
    expect(handlers.some((h) => !h.fast)).toBe(true)
    expect(handlers.some((h) => h.handles === null)).toBe(true)
    expect(handlers.some((h) => h.handles?.includes(1))).toBe(true) // E3 matched as an E2
  })

  it("reach every handler action and handlers performing effects themselves", () => {
    for (const pattern of [
      / post -?\d+/, // non-tail Resume post-processing the body's result
      / aborts with /,
      / delegated got /,
      /h\d+ caught /, // a handler catching the body's error under Resume
      /h\d+ performs E\d#h\d+\.\d+\.first/,
      /h\d+ performs E\d#h\d+\.\d+\.post/,
      /h\d+ performs E\d#h\d+\.\d+\.finally/,
      /h\d+ finally/,
    ]) {
      expect(someLog(pattern), String(pattern)).toBe(true)
    }
    const actions = new Set(programs.flatMap(handlersOf).flatMap((h) => h.actions.map((a) => a.t)))
    expect([...actions].sort()).toEqual(
      [
        "abort",
        "delegate",
        "pass",
        "resume",
        "resumeThrow",
        "throw",
        "transfer",
        "transferThrow",
      ].sort(),
    )
  })

  it("run finally blocks that perform effects while an aborted body is closed", () => {
    const closingPerform = logs.some((log) =>
      /aborts with [\s\S]*p\d+ finally #\d+\np\d+ performs /.test(log),
    )
    expect(closingPerform).toBe(true)
  })

  it("end in values, thrown errors and unhandled effects, with deep handlers answering again", () => {
    const outcomes = runs.map((r) => r.observed.outcome)
    expect(outcomes.some((o) => o.startsWith("value "))).toBe(true)
    expect(outcomes.some((o) => o.startsWith("error Error: "))).toBe(true)
    expect(outcomes.some((o) => o.startsWith("error Unhandled "))).toBe(true)
    // The same handler answering two performs of one body: h2 got … h2 got ….
    expect(someLog(/(h\d+) got E\d#\d+[\s\S]*\n\1 got E\d#\d+/)).toBe(true)
    expect(someLog(/p\d+ caught /)).toBe(true)
  })
})
