import type { Continuation, Verdict } from "../machine/continuation.js"
import type { Frame } from "../machine/frames.js"
import type { ContextEntry, ExecutionContext } from "./context.js"

/**
 * The effect a frame was performing when an error was thrown at it: the continuation the
 * handlers saw (their verdicts are read from it when a traceback is built) and the verdict
 * of the handler that held it last.
 */
export interface Performing {
  readonly effect: unknown
  /** `null` when no handler was offered the effect at all. */
  readonly k: Continuation<unknown> | null
  readonly last: Verdict
}

/**
 * One place an error was thrown at: the raising frame, or a perform site in another task
 * it crossed into. A traceback shows one section per site.
 */
export interface OriginSite {
  readonly frame: Frame | null
  readonly performing: Performing | null
  /** Under `captureStacks: "full"`: each program frame's live capture, from `frame` outwards. */
  readonly live: ReadonlyMap<Frame, Error> | null
  /**
   * The spawn boundary of the task the site is in (the `spawn_boundary` entry of the
   * error's execution context that describes it); `undefined` in the root task, or when
   * no scheduler ran the site.
   */
  boundary: ContextEntry | undefined
}

/** The task an error escaped from, as `runOutcome` reports it. */
export interface EscapedFrom {
  readonly taskId: number
  readonly taskName: string
}

/**
 * Everything effvm knows about one error, in one record kept on the error itself (no
 * global map, docs/semantics.md §5). Written only on the failure path, read when a
 * traceback or an outcome is built (docs/architecture.md, "What an error carries").
 */
export interface ErrorFacts {
  /** Where the error was raised: the first record wins (it may move to a perform site once). */
  origin: OriginSite | null
  /** Perform sites in other tasks the error was thrown into afterwards, innermost first. */
  crossings: OriginSite[] | null
  /** The execution context the error dispatch attached (`getExecutionContext`). */
  context: ExecutionContext | undefined
  /** Set once the error may no longer start an enrichment dispatch (docs/semantics.md §5). */
  settled: boolean
  /** The innermost task the error escaped from, as the scheduler recorded it. */
  escapedFrom: EscapedFrom | undefined
  /** The list shown as `error.suppressed` (the same array), once effvm added to it. */
  suppressed: unknown[] | undefined
  /** Set once the error shows its traceback (`stack` and the inspect hook replaced). */
  shown: boolean
  /** The JS stack as V8 made it, kept when `shown` replaced what `stack` shows. */
  jsStack: unknown
  /** A capture made where the run the error left ended (its own stack had no user frame). */
  runSite: Error | undefined
}

/**
 * The record travels on the error as a private field, added with the constructor return
 * trick: a private field is invisible (no property, no `util.inspect` line, works on a
 * frozen error too) and is the cheapest carrier (W6 adds one per new error): adding one and
 * reading it twice measured about 135 ns, against about 230 ns for `Object.defineProperty`
 * and about 320 ns for a `WeakMap` entry, its garbage collection included (an in-process
 * benchmark figure on a loaded 2-core machine; docs/performance.md).
 */
class ReturnsTarget {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the trick that stamps `target` itself
    return target
  }
}

class FactsSlot extends ReturnsTarget {
  #facts: ErrorFacts

  private constructor(target: object, facts: ErrorFacts) {
    super(target)
    this.#facts = facts
  }

  static read(target: object): ErrorFacts | undefined {
    return #facts in target ? (target as FactsSlot).#facts : undefined
  }

  static add(target: object, facts: ErrorFacts): void {
    new FactsSlot(target, facts)
  }
}

/** @internal the facts recorded for `error`; `undefined` for none, or for a value that is not an object. */
export function factsOf(error: unknown): ErrorFacts | undefined {
  if (error === null || typeof error !== "object") return undefined
  return FactsSlot.read(error)
}

/**
 * @internal the facts of `error`, made empty on first use; `undefined` for a value that is
 * not an object (it cannot carry them; see `recordThrownValue` for its origin).
 */
export function factsFor(error: unknown): ErrorFacts | undefined {
  if (error === null || typeof error !== "object") return undefined
  const facts = FactsSlot.read(error)
  if (facts !== undefined) return facts
  // A literal, not a class with fields (V8 runs field initializers as a function of their own).
  const made: ErrorFacts = {
    origin: null,
    crossings: null,
    context: undefined,
    settled: false,
    escapedFrom: undefined,
    suppressed: undefined,
    shown: false,
    jsStack: undefined,
    runSite: undefined,
  }
  try {
    FactsSlot.add(error, made)
  } catch {
    // an object that cannot take a private field (none known) carries no facts
    return undefined
  }
  return made
}

/**
 * @internal Records `suppressed` as suppressed while `error` propagated: it joins
 * `error.suppressed`, an array that is not enumerable (like Python's `__context__` chain,
 * shown by the traceback after the error's own sections), once. False when `error` cannot
 * carry it: not an object, frozen, or its own `suppressed` is something else than an array.
 */
export function addSuppressed(error: unknown, suppressed: unknown): boolean {
  if (error === suppressed) return error !== null && typeof error === "object"
  const facts = factsFor(error)
  if (facts === undefined) return false
  let list = facts.suppressed
  if (list === undefined) {
    const own = Object.getOwnPropertyDescriptor(error, "suppressed")
    if (own !== undefined) {
      if (!Array.isArray(own.value)) return false
      list = own.value as unknown[]
    } else {
      list = []
      try {
        Object.defineProperty(error, "suppressed", {
          value: list,
          configurable: true,
          writable: true,
        })
      } catch {
        return false // frozen
      }
    }
    facts.suppressed = list
  }
  if (!list.includes(suppressed)) list.push(suppressed)
  return true
}

/** The JS stack of an error, also after `showTraceback` replaced what `stack` shows. */
export function jsStackOf(error: object): unknown {
  const facts = factsOf(error)
  return facts?.shown ? facts.jsStack : (error as { stack?: unknown }).stack
}

/** @internal The capture made where the run that `error` left ended, if any. */
export function runSiteOf(error: object): Error | undefined {
  return factsOf(error)?.runSite
}
