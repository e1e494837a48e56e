// Continuations left held when a run ends are closed: their finally blocks run.
import { describe, expect, it } from "vitest"
import {
  type Continuation,
  createVM,
  Effect,
  handler,
  Pass,
  type Program,
  program,
  run,
  Transfer,
  withHandler,
  type Yielded,
} from "../src/index.js"

class Emit extends Effect<void> {
  constructor(readonly value: number) {
    super()
  }
}
class Next extends Effect<number> {}

/**
 * A producer/consumer pair of handlers that store each other's continuation and transfer
 * between them: `channel` answers the consumer's Next by running the producer; `emitter`
 * keeps the producer's continuation at each Emit and transfers the value to the consumer.
 * The consumer reads one value and returns, leaving the producer held by `emitter`.
 */
function pipeline(log: string[], finallyError?: Error): Program<number> {
  let consumerK: Continuation<number> | null = null
  const producer = program(function* producer(): Generator<Yielded, void, unknown> {
    try {
      for (let i = 1; ; i++) yield* new Emit(i)
    } finally {
      log.push("producer finally")
      // biome-ignore lint/correctness/noUnsafeFinally: the test is about a failing cleanup
      if (finallyError) throw finallyError
    }
  })
  const channel = handler(function* channel(eff, k) {
    if (!(eff instanceof Next)) return yield* Pass()
    consumerK = k as Continuation<number>
    yield* producer
    return -1
  })
  const emitter = handler((eff, _k) => {
    if (!(eff instanceof Emit)) return Pass()
    return Transfer(consumerK!, eff.value)
  })
  const consumer = program(function* consumer(): Generator<Yielded, number, unknown> {
    const value = yield* new Next()
    log.push(`consumer read ${value}`)
    return value
  })
  return withHandler(emitter, withHandler(channel, consumer))
}

describe("continuations left held when a run ends", () => {
  it("the producer's finally runs before run returns, once the consumer has returned", () => {
    const log: string[] = []

    expect(run(pipeline(log))).toBe(1)
    expect(log).toEqual(["consumer read 1", "producer finally"])
  })

  it("an error raised while closing a held continuation replaces a successful outcome", () => {
    const log: string[] = []
    const boom = new Error("producer cleanup failed")

    expect(() => run(pipeline(log, boom))).toThrow(boom)
    expect(log).toEqual(["consumer read 1", "producer finally"])
  })

  it("an error raised while closing is kept on a failed outcome as suppressed", () => {
    const log: string[] = []
    const boom = new Error("producer cleanup failed")
    const failing = program(function* failing(): Generator<Yielded, never, unknown> {
      yield* pipeline(log, boom)
      throw new Error("the run failed")
    })
    let caught: unknown
    try {
      run(failing)
    } catch (error) {
      caught = error
    }

    expect((caught as Error).message).toBe("the run failed")
    expect((caught as { suppressed?: unknown[] }).suppressed).toEqual([boom])
  })

  it("a stepped machine reports done only after the held continuation was closed", () => {
    const log: string[] = []
    const vm = createVM(pipeline(log))
    while (vm.step() === "continue") {}

    expect(vm.status).toBe("done")
    expect(vm.result).toBe(1)
    expect(log).toEqual(["consumer read 1", "producer finally"])
  })
})
