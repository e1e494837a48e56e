import { describe, expect, it } from "vitest"
import {
  type Continuation,
  ContinuationError,
  createVM,
  Effect,
  handler,
  Pass,
  program,
  pure,
  Resume,
  run,
  Transfer,
  withHandler,
  withHandlers,
} from "../src/index.js"

class Tick extends Effect<number> {}

class Peek extends Effect<string> {}

/** Records every answer the body receives, one entry per perform. */
function tickingBody(answers: number[]) {
  return program(function* recordAnswers() {
    answers.push(yield* new Tick())
    answers.push(yield* new Tick())
    return answers.length
  })
}

describe("double resume", () => {
  it("a second Resume of the same k throws a catchable ContinuationError saying 'already resumed'", () => {
    const answers: number[] = []
    let second: unknown
    const twice = handler(
      function* twice(_eff, k) {
        const final = yield* Resume(k, 1)
        try {
          yield* Resume(k, 2)
        } catch (error) {
          second = error
        }
        return final
      },
      { handles: [Tick] },
    )

    expect(run(withHandler(twice, tickingBody(answers)))).toBe(2)
    expect(second).toBeInstanceOf(ContinuationError)
    expect((second as Error).message).toContain("already resumed")
    expect(answers).toEqual([1, 1])
  })

  it("an uncaught second Resume fails the run with ContinuationError", () => {
    const twice = handler(
      function* twice(_eff, k) {
        yield* Resume(k, 1)
        return yield* Resume(k, 2)
      },
      { handles: [Tick] },
    )

    expect(() => run(withHandler(twice, tickingBody([])))).toThrow(ContinuationError)
  })

  it("k.resumable is true until k is resumed and false after", () => {
    const states: boolean[] = []
    const observe = handler(
      function* observe(_eff, k) {
        states.push(k.resumable)
        const final = yield* Resume(k, 1)
        states.push(k.resumable)
        return final
      },
      { handles: [Tick] },
    )

    run(withHandler(observe, tickingBody([])))

    expect(states).toEqual([true, true, false, false])
  })

  it("a continuation kept from an earlier perform cannot be resumed by a later dispatch", () => {
    const answers: number[] = []
    let kept: Continuation<unknown> | null = null
    let stale: unknown
    const keeper = handler(
      function* keeper(_eff, k) {
        if (kept === null) {
          kept = k
          return yield* Transfer(k, 1)
        }
        try {
          yield* Resume(kept, 99)
        } catch (error) {
          stale = error
        }
        return yield* Transfer(k, 2)
      },
      { handles: [Tick] },
    )

    expect(run(withHandler(keeper, tickingBody(answers)))).toBe(2)
    expect(stale).toBeInstanceOf(ContinuationError)
    expect((stale as Error).message).toContain("already resumed")
    expect(answers).toEqual([1, 2])
  })

  it("a continuation abandoned by an abort cannot be resumed later", () => {
    let abandoned: Continuation<unknown> | null = null
    let late: unknown
    const abortFirst = handler(
      (_eff, k) => {
        abandoned = k
        return "aborted"
      },
      { handles: [Tick] },
    )
    const tryLateResume = handler(
      function* tryLateResume(_eff, k) {
        try {
          yield* Resume(abandoned!, 5)
        } catch (error) {
          late = error
        }
        return yield* Transfer(k, "answered")
      },
      { handles: [Peek] },
    )
    const peekOnce = program(function* peekOnce() {
      return yield* new Peek()
    })
    const outer = program(function* outer() {
      const first = yield* withHandler(abortFirst, tickingBody([]))
      const second = yield* withHandler(tryLateResume, peekOnce)
      return [first, second]
    })

    expect(run(outer)).toEqual(["aborted", "answered"])
    expect(late).toBeInstanceOf(ContinuationError)
    expect(abandoned!.resumable).toBe(false)
  })
})

describe("continuations from another run", () => {
  it("resuming a continuation captured by another run throws ContinuationError and leaves it live", () => {
    const captured: { k?: Continuation<unknown> } = {}
    const stash = handler(
      function* stash(_eff, k) {
        captured.k = k
        // A handler that resumes or transfers its own k at once in its first segment
        // consumes k within the dispatch step, and this test needs k live between steps:
        // a sub-program call first ends the segment.
        yield* pure(undefined)
        return yield* Resume(k, 10)
      },
      { handles: [Tick] },
    )
    const firstVM = createVM(withHandler(stash, tickingBody([])))
    while (captured.k === undefined) expect(firstVM.step()).toBe("continue")
    const foreignK = captured.k

    let refused: unknown
    const intruder = handler(
      function* intruder(_eff, k) {
        try {
          yield* Resume(foreignK, 20)
        } catch (error) {
          refused = error
        }
        return yield* Transfer(k, "second run")
      },
      { handles: [Peek] },
    )
    const secondRun = program(function* secondRun() {
      return yield* new Peek()
    })

    expect(run(withHandler(intruder, secondRun))).toBe("second run")
    expect(refused).toBeInstanceOf(ContinuationError)
    expect(foreignK.resumable).toBe(true)
  })

  it("the first run goes on undisturbed after another run tried its continuation", () => {
    const captured: { k?: Continuation<unknown> } = {}
    const answers: number[] = []
    const stash = handler(
      function* stash(_eff, k) {
        captured.k ??= k
        return yield* Transfer(k, 10)
      },
      { handles: [Tick] },
    )
    const firstVM = createVM(withHandler(stash, tickingBody(answers)))
    while (captured.k === undefined) firstVM.step()
    const foreignK = captured.k
    const intruder = handler(
      function* intruder(_eff, k) {
        try {
          yield* Resume(foreignK, 20)
        } catch {
          // refused: it belongs to the first run
        }
        return yield* Transfer(k, "second run")
      },
      { handles: [Peek] },
    )
    run(
      withHandler(
        intruder,
        program(function* secondRun() {
          return yield* new Peek()
        }),
      ),
    )

    expect(firstVM.runFor(1_000)).toBe("done")
    expect(firstVM.result).toBe(2)
    expect(answers).toEqual([10, 10])
  })
})

describe("one-shot under Pass", () => {
  it("a passed k resumed by the outer handler can no longer be resumed by the handler that passed it", () => {
    const answers: number[] = []
    let passedOn: Continuation<unknown> | null = null
    let stale: unknown
    const passFirst = handler(
      function* passFirst(_eff, k) {
        if (passedOn === null) {
          passedOn = k
          return yield* Pass()
        }
        try {
          yield* Resume(passedOn, 99)
        } catch (error) {
          stale = error
        }
        return yield* Transfer(k, 2)
      },
      { handles: [Tick] },
    )
    const outer = handler((_eff, k) => Transfer(k, 1), { handles: [Tick] })

    expect(run(withHandlers([outer, passFirst], tickingBody(answers)))).toBe(2)
    expect(stale).toBeInstanceOf(ContinuationError)
    expect(answers).toEqual([1, 2])
  })

  it("the outer handler that received k by Pass cannot resume it twice", () => {
    const answers: number[] = []
    let second: unknown
    const declines = handler(
      function* declines() {
        return yield* Pass()
      },
      { handles: [Tick] },
    )
    const twice = handler(
      function* twice(_eff, k) {
        const final = yield* Resume(k, 3)
        try {
          yield* Resume(k, 4)
        } catch (error) {
          second = error
        }
        return final
      },
      { handles: [Tick] },
    )

    expect(run(withHandlers([twice, declines], tickingBody(answers)))).toBe(2)
    expect(second).toBeInstanceOf(ContinuationError)
    expect(answers).toEqual([3, 3])
  })

  it("Pass after the handler resumed its k throws ContinuationError", () => {
    let refused: unknown
    const resumeThenPass = handler(
      function* resumeThenPass(_eff, k) {
        const final = yield* Resume(k, 1)
        try {
          yield* Pass()
        } catch (error) {
          refused = error
        }
        return final
      },
      { handles: [Tick] },
    )
    const outer = handler((_eff, k) => Transfer(k, 100), { handles: [Tick] })

    expect(run(withHandlers([outer, resumeThenPass], tickingBody([])))).toBe(2)
    expect(refused).toBeInstanceOf(ContinuationError)
  })
})
