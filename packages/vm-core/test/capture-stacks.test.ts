// captureStacks (docs/semantics.md §6): definition sites by default, every frame's live line under "full".
import { afterEach, describe, expect, it, vi } from "vitest"
import {
  createVM,
  Effect,
  fn,
  getTraceback,
  handler,
  Pass,
  type Program,
  program,
  Resume,
  run,
  runAsync,
  type TracebackFrame,
} from "../src/index.js"

class Query extends Effect<string> {}

/** The line number of the caller of this function. */
function lineHere(): number {
  const line = new Error().stack!.split("\n")[2]!
  return Number(/:(\d+):\d+\)?$/.exec(line)![1])
}

function framesOf(error: unknown): TracebackFrame[] {
  return getTraceback(error)?.sections.at(-1)?.frames ?? []
}

async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection")
    },
    (error: unknown) => error,
  )
}

const lines = { outerDef: 0, outerLive: 0, middleLive: 0, perform: 0, throwAt: 0 }

lines.outerDef = lineHere() + 1
const outer = fn(function* outer(inner: Program<unknown>) {
  const before = 1
  lines.outerLive = lineHere() + 1
  return before + ((yield* middle(inner)) as number)
})
const middle = fn(function* middle(inner: Program<unknown>) {
  yield* program(function* warmUp() {
    return 0
  })
  lines.middleLive = lineHere() + 1
  return yield* inner
})
const throwing = program(function* throwing() {
  lines.throwAt = lineHere() + 1
  throw new Error("deep")
})
const leafValue = fn(function* leafValue(n: number) {
  return n
})
const succeeds = program(function* succeeds() {
  let total = 0
  for (let i = 0; i < 10; i++) total += (yield* leafValue(i)) as number
  return total
})
const performing = program(function* performing() {
  lines.perform = lineHere() + 1
  return yield* new Query()
})

describe("captureStacks", () => {
  afterEach(() => {
    delete process.env.EFFVM_CAPTURE_STACKS
    vi.resetModules()
  })

  it("by default, frames other than the raising one show their definition site", () => {
    const frames = framesOf(rejectionOrThrow(() => run(outer(throwing))))

    expect(frames.map((f) => f.lineKind)).toEqual(["definition", "definition", "raise"])
    expect(frames[0]!.line).toBe(lines.outerDef)
    expect(frames[2]!.line).toBe(lines.throwAt)
  })

  it('captureStacks: "full" gives every frame its live line', () => {
    const frames = framesOf(rejectionOrThrow(() => run(outer(throwing), { captureStacks: "full" })))

    expect(frames.map((f) => [f.call.split("(")[0], f.lineKind, f.line])).toEqual([
      ["outer", "live", lines.outerLive],
      ["middle", "live", lines.middleLive],
      ["throwing", "raise", lines.throwAt],
    ])
  })

  it('captureStacks: "full" shows the perform line of a frame whose effect nobody handled', () => {
    const frames = framesOf(
      rejectionOrThrow(() => run(outer(performing), { captureStacks: "full" })),
    )

    expect(frames.at(-1)).toMatchObject({
      call: "performing()",
      lineKind: "live",
      line: lines.perform,
    })
  })

  it('captureStacks: "full" works for runAsync and createVM too', async () => {
    const asyncFrames = framesOf(
      await rejectionOf(runAsync(outer(throwing), { captureStacks: "full" })),
    )
    const vm = createVM(outer(throwing), { captureStacks: "full" })
    while (vm.step() === "continue") {}

    expect(asyncFrames[0]!.lineKind).toBe("live")
    expect(framesOf(vm.error)[0]!.lineKind).toBe("live")
  })

  it("EFFVM_CAPTURE_STACKS=full turns full capture on for runs without the option", async () => {
    process.env.EFFVM_CAPTURE_STACKS = "full"
    vi.resetModules()
    const core = await import("../src/index.js")
    const liveLine = { at: 0 }
    const wrapper = core.fn(function* wrapper(inner: Program<unknown>) {
      liveLine.at = lineHere() + 1
      return yield* inner
    })
    const fails = core.program(function* fails() {
      throw new Error("under the environment variable")
    })

    const frames = framesOfWith(core, () => core.run(wrapper(fails)))

    expect(frames[0]).toMatchObject({ lineKind: "live", line: liveLine.at })
  })

  it("the default mode captures no stack on the success path; full mode captures one per step", () => {
    const countStackCaptures = (options: Parameters<typeof run>[1]): number => {
      let captures = 0
      const RealError = globalThis.Error
      globalThis.Error = new Proxy(RealError, {
        construct(target, args, newTarget) {
          captures++
          return Reflect.construct(target, args, newTarget)
        },
      })
      try {
        run(succeeds, options)
      } finally {
        globalThis.Error = RealError
      }
      return captures
    }

    expect(countStackCaptures(undefined)).toBe(0)
    expect(countStackCaptures({ captureStacks: "full" })).toBeGreaterThan(0)
  })

  it('a run nested inside a handler leaves the outer run\'s captureStacks: "full" on', () => {
    const nested = handler((eff, k) => {
      if (!(eff instanceof Query)) return Pass()
      return Resume(
        k,
        run(
          program(function* inner() {
            return "answer"
          }),
        ),
      )
    })
    const asksThenThrows = program(function* asksThenThrows() {
      yield* new Query()
      throw new Error("after the nested run")
    })
    const frames = framesOf(
      rejectionOrThrow(() =>
        run(outer(asksThenThrows), { captureStacks: "full", handlers: [nested] }),
      ),
    )

    expect(frames.map((f) => f.lineKind)).toEqual(["live", "live", "raise"])
  })

  it("an unknown capture mode is a TypeError naming the value", () => {
    expect(() => run(throwing, { captureStacks: "everything" as never })).toThrow(/"everything"/)
  })
})

function rejectionOrThrow(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error, but nothing was thrown")
}

function framesOfWith(
  core: { getTraceback: typeof getTraceback },
  f: () => unknown,
): TracebackFrame[] {
  return core.getTraceback(rejectionOrThrow(f))?.sections.at(-1)?.frames ?? []
}
