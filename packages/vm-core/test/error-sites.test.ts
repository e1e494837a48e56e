// Where errors are converted into an enrichment dispatch, and where not (docs/semantics.md §5 "Sites").
import { describe, expect, it } from "vitest"
import {
  awaitExternal,
  Effect,
  fn,
  GetExecutionContext,
  getExecutionContext,
  type HandlerDef,
  handler,
  Pass,
  type Program,
  program,
  ResumeThrow,
  run,
  runAsync,
  Transfer,
  TransferThrow,
  withHandler,
  withHandlers,
} from "../src/index.js"

class Query extends Effect<string> {}

/** A catch-all handler that records each error it is asked to enrich, then adds an entry. */
function recordingEnricher(seen: unknown[]): HandlerDef {
  return handler(
    function* recordingEnricher(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      seen.push(eff.error)
      eff.context.add({ kind: "enriched" })
      return yield* Transfer(k, eff.context)
    },
    { name: "recordingEnricher" },
  )
}

/** Runs `body` under the recording enricher and returns what it threw and what was enriched. */
function outcomeOf(body: Program<unknown>, inner: HandlerDef[] = []) {
  const seen: unknown[] = []
  try {
    run(withHandlers([recordingEnricher(seen), ...inner], body))
  } catch (error) {
    return { error, seen }
  }
  throw new Error("expected the run to fail")
}

/** Catches what `inner` throws and throws it again, unchanged: a frame unwinding through. */
const rethrowing = fn(function* rethrowing(inner: Program<unknown>) {
  try {
    return yield* inner
  } catch (error) {
    // biome-ignore lint/complexity/noUselessCatch: the point is a frame that catches and rethrows
    throw error
  }
})

const asksQuery = program(function* asksQuery() {
  return yield* new Query()
})

describe("conversion sites", () => {
  it("converted: an error thrown by a user program frame's step", () => {
    const fails = program(function* fails() {
      throw new Error("from a step")
    })

    const { error, seen } = outcomeOf(fails)

    expect(seen).toEqual([error])
    expect(getExecutionContext(error)?.entries).toEqual([{ kind: "enriched" }])
  })

  it("converted: an error thrown while a program is constructed (its parameters are evaluated)", () => {
    const required = (): string => {
      throw new Error("missing argument")
    }
    const parse = fn(function* parse(text: string = required()) {
      return text.length
    })
    const caller = program(function* caller() {
      return yield* parse()
    })

    const { error, seen } = outcomeOf(caller)

    expect((error as Error).message).toBe("missing argument")
    expect(seen).toEqual([error])
  })

  it("not converted: an error thrown by handler code, nor when program frames rethrow it", () => {
    const broken = handler(
      () => {
        throw new Error("handler broke")
      },
      { handles: [Query] },
    )

    const { error, seen } = outcomeOf(rethrowing(asksQuery), [broken])

    expect((error as Error).message).toBe("handler broke")
    expect(seen).toEqual([])
    expect(getExecutionContext(error)).toBeUndefined()
  })

  it("not converted: an error thrown by ResumeThrow, nor when program frames rethrow it", () => {
    const refuses = handler(
      function* refuses(_eff, k) {
        return yield* ResumeThrow(k, new Error("refused by ResumeThrow"))
      },
      { handles: [Query] },
    )

    const { error, seen } = outcomeOf(rethrowing(asksQuery), [refuses])

    expect((error as Error).message).toBe("refused by ResumeThrow")
    expect(seen).toEqual([])
    expect(getExecutionContext(error)).toBeUndefined()
  })

  it("not converted: an error thrown by TransferThrow, from a fast-path or a generator handler", () => {
    const fast = handler((_eff, k) => TransferThrow(k, new Error("fast refusal")), {
      handles: [Query],
    })
    const generator = handler(
      function* generator(_eff, k) {
        return yield* TransferThrow(k, new Error("generator refusal"))
      },
      { handles: [Query] },
    )

    for (const [refuser, message] of [
      [fast, "fast refusal"],
      [generator, "generator refusal"],
    ] as const) {
      const { error, seen } = outcomeOf(rethrowing(asksQuery), [refuser])
      expect((error as Error).message).toBe(message)
      expect(seen).toEqual([])
    }
  })

  it("not converted: a rejected external promise, nor when program frames rethrow it", async () => {
    const seen: unknown[] = []
    const waits = program(function* waits() {
      return yield* awaitExternal(Promise.reject(new Error("fetch failed")))
    })

    const error = await runAsync(withHandler(recordingEnricher(seen), rethrowing(waits))).catch(
      (e: unknown) => e,
    )

    expect((error as Error).message).toBe("fetch failed")
    expect(seen).toEqual([])
    expect(getExecutionContext(error)).toBeUndefined()
  })

  it("converted: a new error a program frame throws while handling a handler's error", () => {
    const broken = handler(
      () => {
        throw new Error("handler broke")
      },
      { handles: [Query] },
    )
    const wraps = program(function* wraps() {
      try {
        return yield* new Query()
      } catch (error) {
        throw new Error("query failed", { cause: error })
      }
    })

    const { error, seen } = outcomeOf(wraps, [broken])

    expect(seen).toEqual([error])
    expect(((error as Error).cause as Error).message).toBe("handler broke")
  })
})
