import {
  AwaitExternal,
  awaitExternal,
  Control,
  type Effect,
  GetExecutionContext,
  type HandlerDef,
  type HandlerFunction,
  handler,
  JournalDivergenceError,
  Pass,
  type Program,
  Resume,
  ResumeThrow,
  type RunOptions,
  type RunOutcome,
  Transfer,
  TransferThrow,
} from "@effvm/vm-core"
import {
  type Continuation,
  type JournalPort,
  journaledOutcome,
  OP_CLOSE,
  OP_DELEGATE,
  OP_PASS,
  OP_RESUME,
  OP_RESUME_THROW,
  OP_TRANSFER,
  OP_TRANSFER_ENRICH,
  OP_TRANSFER_THROW,
  Preempt,
  pauseStepBudget,
  performedInside,
  resumeStepBudget,
  Settlement,
  type WatchdogFiring,
} from "@effvm/vm-core/internal"
import {
  type AnswerHow,
  describeEntry,
  describeShape,
  type EffectShape,
  type JournalEntry,
  type OutsideHandler,
} from "./format.js"
import { EntryLog } from "./log.js"
import {
  decode,
  type Encoded,
  effectShape,
  encode,
  hasOwnFields,
  isClassShape,
} from "./serialize.js"

/**
 * Receives each new entry of a journaled run with its position (its index in the whole
 * journal, the replayed prefix included), before the run goes past the point the entry
 * describes. A returned promise is waited for: an answer does not reach the program, and
 * no effect leaves the run, before it settles. A rejection fails the run with its error.
 *
 * @example
 * ```ts
 * const sink: JournalSink = (entry, position) => writeEntry(runId, position, entry)
 * ```
 */
export type JournalSink = (entry: JournalEntry, position: number) => void | PromiseLike<void>

/**
 * Options of {@link runJournaled}: `run`'s options (the `handlers` are the outside), and
 * what to do with the journal.
 *
 * @example
 * ```ts
 * const options: JournaledRunOptions = { handlers: [http], entries: stored, sink }
 * ```
 */
export interface JournaledRunOptions extends RunOptions {
  /** The stored entries to replay first (default: none). */
  readonly entries?: readonly JournalEntry[]
  /**
   * `"replay"`: the run must end within `entries`; going past them is a divergence, and
   * no outside handler is called. `"continue"` (default): after `entries`, the run goes on
   * live, calling the outside handlers and handing each new entry to `sink`.
   */
  readonly mode?: "replay" | "continue"
  /** Receives each new entry (live part only). */
  readonly sink?: JournalSink
  /**
   * Called live just before an outside handler is called with an effect of the program,
   * with the position its `answer` entry will take: a stable name for that effect across a
   * crash and a resume (what `effectKey` is made of).
   */
  readonly beforeOutside?: (effect: Effect<unknown>, position: number) => void
  /**
   * The outside handlers as the journal names them, for a replay without the handlers
   * themselves (stand-ins of the same names answer from the journal).
   */
  readonly outside?: readonly OutsideHandler[]
  /** The entry point named in messages about bad input (default `"record"`). */
  readonly caller?: string
}

/**
 * What {@link runJournaled} resolves to: the outcome, the whole journal's entries (stored
 * prefix and new ones), how many of them were replayed, and the first divergence from the
 * stored entries (the outcome then is not the recorded one).
 *
 * @example
 * ```ts
 * const { outcome, entries, replayed }: JournaledRun<number> = await runJournaled(main(), options)
 * ```
 */
export interface JournaledRun<T> {
  readonly outcome: RunOutcome<T>
  readonly entries: readonly JournalEntry[]
  readonly outside: readonly OutsideHandler[]
  readonly replayed: number
  readonly divergence: JournalDivergenceError | null
}

/**
 * Runs `program` with a journal: replays `options.entries` (answers of outside handlers,
 * promise settlements, clock readings and scheduling decisions come from them), then, in
 * `"continue"` mode, goes on live where they end, journaling each new entry and handing it
 * to `options.sink` before the run goes past the point it describes. This is the entry
 * point of `record`, `replay` and `durable`.
 *
 * @example
 * ```ts
 * const { outcome } = await runJournaled(main(), {
 *   handlers: [http],
 *   entries: storedEntries, // what an earlier run wrote
 *   sink: (entry, position) => writeEntry(runId, position, entry),
 * })
 * ```
 */
export async function runJournaled<T>(
  program: Program<T>,
  options: JournaledRunOptions = {},
): Promise<JournaledRun<T>> {
  const session = new JournalSession(options)
  const outcome = await session.run(program)
  const divergence = session.divergenceAtEnd()
  let entries: readonly JournalEntry[] | null = null
  return {
    outcome,
    // Made when read: a recorded run keeps its new entries compactly (see EntryLog).
    get entries() {
      entries ??= session.entries()
      return entries
    },
    outside: session.outside,
    replayed: session.replayed,
    divergence,
  }
}

/** The port a journaled machine and its scheduler talk to (vm-core's `JournalPort`). */
class JournalSession implements JournalPort {
  boundary: HandlerDef | null = null
  /** The stored entries, replayed first. */
  readonly #storedEntries: readonly JournalEntry[]
  readonly #stored: number
  /** The entries this run makes (after the stored ones). */
  readonly #log = new EntryLog()
  /** The index of the next entry: replayed while below `#stored`, written after. */
  #cursor = 0
  readonly #live: boolean
  readonly #sink: JournalSink | undefined
  readonly #beforeOutside: ((effect: Effect<unknown>, position: number) => void) | undefined
  readonly outside: readonly OutsideHandler[]
  readonly #originals: readonly (HandlerDef | null)[]
  readonly #options: JournaledRunOptions
  /** Sink writes not yet confirmed (never rejects: a failure lands in `#sinkFailure`). */
  #pending: Promise<void> | null = null
  #sinkFailure: { readonly error: unknown } | null = null
  #divergence: JournalDivergenceError | null = null
  replayed = 0
  /**
   * A live recording into memory from the start: no stored entries, no sink, no
   * `beforeOutside`. Then nothing is replayed, nothing waits for a write and no divergence
   * can occur, and the stand-in calls `#callOutside` directly.
   */
  readonly #inMemory: boolean
  /** The last effect class without fields whose plain answer was logged, by handler `#plainHandler` as `#plainCode`. */
  #plainClass: unknown = null
  #plainHandler = -1
  #plainCode = 0

  constructor(options: JournaledRunOptions) {
    this.#options = options
    this.#storedEntries = options.entries ?? []
    this.#stored = this.#storedEntries.length
    this.#live = (options.mode ?? "continue") === "continue"
    this.#sink = options.sink
    this.#beforeOutside = options.beforeOutside
    this.#inMemory =
      this.#stored === 0 &&
      this.#live &&
      this.#sink === undefined &&
      this.#beforeOutside === undefined
    const given = (options.handlers ?? []).map(asDef)
    this.#originals = given
    this.outside =
      options.outside ??
      given.map((def) => ({
        name: def.name,
        handles: def.handles === null ? null : def.handles.map((c) => c.name),
      }))
    if (
      options.outside !== undefined &&
      given.length > 0 &&
      given.length !== options.outside.length
    ) {
      throw new TypeError(
        `The journal names ${options.outside.length} outside handler(s) (${options.outside.map((h) => h.name).join(", ") || "none"}), but ${given.length} were given.`,
      )
    }
  }

  /** The whole journal's entries: the stored ones, then the new ones. */
  entries(): readonly JournalEntry[] {
    const made = this.#log.toArray()
    return this.#stored === 0 ? made : [...this.#storedEntries, ...made]
  }

  /** The entry at `position` of the whole journal. */
  #entryAt(position: number): JournalEntry | undefined {
    return position < this.#stored
      ? this.#storedEntries[position]
      : this.#log.at(position - this.#stored)
  }

  get replaying(): boolean {
    return this.#cursor < this.#stored
  }

  async run<T>(program: Program<T>): Promise<RunOutcome<T>> {
    const wrapped = this.outside.map((h, i) => this.#standIn(h, i, this.#originals[i] ?? null))
    this.boundary = wrapped.length === 0 ? null : wrapped[wrapped.length - 1]!
    const { handlers: _outside, ...rest } = this.#options
    const outcome = await journaledOutcome(
      program,
      { ...rest, handlers: wrapped },
      this,
      this.#options.caller ?? "record",
    )
    // The last entries' writes must be confirmed before the outcome is.
    const pending = this.#takePending()
    if (pending !== null) await pending
    if (this.#sinkFailure !== null && outcome.status === "done") {
      return {
        status: "failed",
        error: this.#sinkFailure.error,
        steps: outcome.steps,
        choices: outcome.choices,
      }
    }
    return outcome
  }

  /** The first divergence; for a replay, also a run that ended before its journal did. */
  divergenceAtEnd(): JournalDivergenceError | null {
    if (this.#divergence === null && this.replaying && !this.#live) {
      this.divergence("the end of the run")
    }
    return this.#divergence
  }

  // ── entries ──────────────────────────────────────────────────────────────────────────

  /** The stored entry at the cursor if it has `type`; null when it is live; else a divergence. */
  #take<E extends JournalEntry["type"]>(
    type: E,
    actual: () => string,
  ): Extract<JournalEntry, { type: E }> | null | JournalDivergenceError {
    if (this.#divergence !== null) return this.#divergence
    if (this.#cursor < this.#stored) {
      const entry = this.#storedEntries[this.#cursor]!
      if (entry.type !== type) return this.divergence(actual())
      this.#cursor++
      this.replayed = this.#cursor
      return entry as Extract<JournalEntry, { type: E }>
    }
    if (!this.#live) return this.divergence(actual())
    return null
  }

  #put(entry: JournalEntry): void {
    const position = this.#cursor++
    this.#log.push(entry)
    const sink = this.#sink
    if (sink === undefined) return
    let written: void | PromiseLike<void>
    try {
      written = sink(entry, position)
    } catch (error) {
      this.#sinkFailure ??= { error }
      return
    }
    if (written === undefined || typeof (written as PromiseLike<void>).then !== "function") return
    const confirmed = Promise.resolve(written).then(noop, (error: unknown) => {
      this.#sinkFailure ??= { error }
    })
    this.#pending =
      this.#pending === null ? confirmed : Promise.all([this.#pending, confirmed]).then(noop)
  }

  #takePending(): Promise<void> | null {
    const pending = this.#pending
    this.#pending = null
    return pending
  }

  /** Waits for the sink's unconfirmed writes (from a handler, outside the region). */
  *#flush(): Generator<unknown, void, unknown> {
    const pending = this.#takePending()
    if (pending !== null) yield* awaitExternal(pending)
    if (this.#sinkFailure !== null) throw this.#sinkFailure.error
  }

  divergence(actual: string): JournalDivergenceError {
    if (this.#divergence !== null) return this.#divergence
    const expected = describeEntry(this.#entryAt(this.#cursor), this.outside)
    this.#divergence = new JournalDivergenceError(this.#cursor, expected, actual)
    return this.#divergence
  }

  // ── the machine and the scheduler (JournalPort) ──────────────────────────────────────

  external(promise: PromiseLike<unknown>): Settlement | PromiseLike<unknown> {
    const entry = this.#take("external", () => "a wait on a JS promise")
    if (entry instanceof JournalDivergenceError) {
      observe(promise)
      return new Settlement(false, entry)
    }
    if (entry !== null) {
      observe(promise)
      return new Settlement(entry.ok, decode(entry.value))
    }
    return Promise.resolve(promise).then(
      (value) => this.#settleLive(true, value),
      (error: unknown) => this.#settleLive(false, error),
    )
  }

  /** A live settlement of the machine's wait: journaled, then delivered once stored. */
  #settleLive(ok: boolean, value: unknown): Promise<unknown> {
    let encoded: Encoded
    try {
      encoded = encode(value, `the ${ok ? "value" : "rejection"} of an awaited JS promise`)
    } catch (error) {
      return Promise.reject(error)
    }
    this.#put({ type: "external", ok, value: encoded })
    const pending = this.#takePending()
    const deliver = (): unknown => {
      if (this.#sinkFailure !== null) throw this.#sinkFailure.error
      if (ok) return value
      throw value
    }
    return pending === null ? Promise.resolve().then(deliver) : pending.then(deliver)
  }

  clock(read: () => number): number {
    const entry = this.#take("clock", () => "a reading of the real clock")
    if (entry instanceof JournalDivergenceError) return read()
    if (entry !== null) return entry.now
    const now = read()
    if (this.#sink === undefined) {
      this.#cursor++
      this.#log.pushClock(now)
    } else this.#put({ type: "clock", now })
    return now
  }

  choice(taskId: number): void {
    const entry = this.#take("choice", () => `a scheduling decision for task ${taskId}`)
    if (entry instanceof JournalDivergenceError) return
    if (entry !== null) {
      if (entry.task !== taskId) {
        this.#cursor--
        this.divergence(`a scheduling decision for task ${taskId}`)
      }
      return
    }
    if (this.#sink === undefined) {
      this.#cursor++
      this.#log.pushChoice(taskId)
    } else this.#put({ type: "choice", task: taskId })
  }

  settled(taskId: number, ok: boolean, value: unknown): Settlement {
    let encoded: Encoded
    try {
      encoded = encode(
        value,
        `the ${ok ? "value" : "rejection"} of the JS promise awaited by task ${taskId}`,
      )
    } catch (error) {
      this.#put({ type: "settled", task: taskId, ok: false, value: encode(error, "an error") })
      return new Settlement(false, error)
    }
    this.#put({ type: "settled", task: taskId, ok, value: encoded })
    return new Settlement(ok, value)
  }

  nextSettled(): { readonly taskId: number; readonly ok: boolean; readonly value: unknown } | null {
    if (this.#divergence !== null || this.#cursor >= this.#stored) return null
    const entry = this.#storedEntries[this.#cursor]!
    if (entry.type !== "settled") return null
    this.#cursor++
    this.replayed = this.#cursor
    return { taskId: entry.task, ok: entry.ok, value: decode(entry.value) }
  }

  watchdog(
    taskId: number,
    check: number,
    measure: () => WatchdogFiring | null,
  ): WatchdogFiring | null {
    if (this.#divergence !== null) return null
    if (this.#cursor < this.#stored) {
      // Replaying: the recorded firing, at the check it came at; no measure (real time does
      // not repeat, and steps taken by outside handlers are not taken again).
      const entry = this.#storedEntries[this.#cursor]!
      if (entry.type !== "watchdog" || entry.task !== taskId || entry.check !== check) return null
      this.replayed = ++this.#cursor
      return { unit: entry.unit, budget: entry.budget, measured: entry.measured }
    }
    // Past the end of a replayed journal: the recorded run did not fire here.
    if (!this.#live) return null
    const fired = measure()
    if (fired !== null) {
      this.#put({
        type: "watchdog",
        task: taskId,
        check,
        unit: fired.unit,
        budget: fired.budget,
        measured: fired.measured,
      })
    }
    return fired
  }

  // ── outside handlers ─────────────────────────────────────────────────────────────────

  /** The handler installed for outside handler `i`: same name, same declared effects. */
  #standIn(h: OutsideHandler, i: number, original: HandlerDef | null): HandlerDef {
    const handles = original?.handles ?? null
    const accepts = original !== null || h.handles === null ? null : new Set<string>(h.handles)
    // biome-ignore lint/suspicious/noExplicitAny: a stand-in answers whatever its original answered
    const journaled = (effect: Effect<unknown>, k: Continuation<unknown>): any => {
      if (accepts !== null && !hasClassNamed(effect, accepts)) return Pass()
      return this.answer(i, original, effect, k)
    }
    // An in-memory recording's stand-in: `answer` with what cannot happen in one left out.
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const recording = (effect: Effect<unknown>, k: Continuation<unknown>): any => {
      if (isMachineEffect(effect) || !performedInside(k)) return original!.fn(effect, k)
      return this.#callOutside(i, original!, effect, k)
    }
    const fn = this.#inMemory && original !== null ? recording : journaled
    Object.defineProperty(fn, "name", { value: "journaled" })
    return handles === null ? handler(fn, { name: h.name }) : handler(fn, { name: h.name, handles })
  }

  /** Outside handler `i` (`original`, null in a replay without it) is offered `effect`. */
  answer(
    i: number,
    original: HandlerDef | null,
    effect: Effect<unknown>,
    k: Continuation<unknown>,
  ): unknown {
    if (isMachineEffect(effect) || !performedInside(k)) {
      // The machine's own effects (a wait on a promise is journaled where the machine takes
      // it in), and effects of the outside handlers' own code: not answers to the program.
      return original === null ? Pass() : original.fn(effect, k)
    }
    if (this.#cursor < this.#stored || this.#divergence !== null)
      return this.#replayAnswer(i, effect, k)
    if (!this.#live || original === null) {
      throw this.divergence(
        `${describe(effect)} offered to outside handler ${this.outside[i]!.name}`,
      )
    }
    if (this.#pending !== null || this.#sinkFailure !== null)
      return this.#afterFlush(i, original, effect, k)
    return this.#liveAnswer(i, original, effect, k)
  }

  #replayAnswer(i: number, effect: Effect<unknown>, k: Continuation<unknown>): unknown {
    const shape = effectShape(effect)
    const entry = this.#divergence === null ? this.#storedEntries[this.#cursor] : undefined
    if (
      entry === undefined ||
      entry.type !== "answer" ||
      this.#cursor >= this.#stored ||
      entry.handler !== i ||
      !sameShape(entry.effect, shape)
    ) {
      throw this.divergence(
        `${describeShape(shape)} offered to outside handler ${this.outside[i]!.name}`,
      )
    }
    this.replayed = ++this.#cursor
    const value = decode(entry.value)
    switch (entry.how) {
      case "pass":
        return Pass()
      case "value":
        return Transfer(k, value)
      case "throw":
        throw value
      case "resumeThrow":
        return ResumeThrow(k, value)
      case "transferThrow":
        return TransferThrow(k, value)
      case "abort":
        return value
      case "resume":
        return this.#replayNonTail(i, k, value)
    }
  }

  /** A non-tail resume: the body runs, then the handler's recorded return ends it. */
  *#replayNonTail(
    i: number,
    k: Continuation<unknown>,
    value: unknown,
  ): Generator<unknown, unknown, unknown> {
    let bodyOk = true
    let body: unknown
    try {
      body = yield* Resume(k, value)
    } catch (error) {
      bodyOk = false
      body = error
    }
    const entry = this.#take(
      "return",
      () => `the return of outside handler ${this.outside[i]!.name}`,
    )
    if (entry instanceof JournalDivergenceError) throw entry
    if (entry === null) {
      // Live after a replayed prefix: the handler's code after its resume is not re-run.
      this.#put({ type: "return", handler: i, ok: bodyOk, same: true, value: null })
      if (bodyOk) return body
      throw body
    }
    const outcome = entry.same ? body : decode(entry.value)
    if (entry.ok) return outcome
    throw outcome
  }

  *#afterFlush(
    i: number,
    original: HandlerDef,
    effect: Effect<unknown>,
    k: Continuation<unknown>,
  ): Generator<unknown, unknown, unknown> {
    yield* this.#flush()
    let answer: unknown
    try {
      answer = this.#liveAnswer(i, original, effect, k)
    } catch (error) {
      yield* this.#flush()
      throw error
    }
    if (answer instanceof Control)
      return yield* answer as unknown as Generator<unknown, unknown, unknown>
    if (isGenerator(answer)) return yield* answer
    return answer
  }

  /** Calls the outside handler and journals its answer (`beforeOutside` first, if given). */
  #liveAnswer(
    i: number,
    original: HandlerDef,
    effect: Effect<unknown>,
    k: Continuation<unknown>,
  ): unknown {
    if (this.#beforeOutside !== undefined) {
      try {
        this.#beforeOutside(effect, this.#cursor)
      } catch (error) {
        return this.#journalThrow(i, effect, error)
      }
    }
    return this.#callOutside(i, original, effect, k)
  }

  /**
   * Calls outside handler `i` and journals its answer: a plain one straight into the log
   * when no sink waits for entries, any other through `#journalAnswer`. The hot path of
   * `record` (the in-memory stand-in calls it directly): its own small method, so that the
   * machine's call inlines it.
   */
  #callOutside(
    i: number,
    original: HandlerDef,
    effect: Effect<unknown>,
    k: Continuation<unknown>,
  ): unknown {
    let r: unknown
    try {
      r = original.fn(effect, k)
    } catch (error) {
      return this.#journalThrow(i, effect, error)
    }
    if (isPlainControl(r, k) && this.#sink === undefined) {
      this.#pushValue(i, effect, r.value)
      return r
    }
    return this.#journalAnswer(i, effect, k, r)
  }

  /** A plain answer (`isPlainAnswer`), with nothing to encode or wait for. */
  #pushValue(
    i: number,
    effect: Effect<unknown>,
    value: string | boolean | number | undefined,
  ): void {
    this.#cursor++
    const c = effect.constructor
    // The last class answered without fields, by the same handler: its entry code is known.
    if (c === this.#plainClass && i === this.#plainHandler && !hasOwnFields(effect)) {
      this.#log.pushAnswerCoded(this.#plainCode, value)
      return
    }
    const shape = effectShape(effect)
    const shared = isClassShape(shape)
    const code = this.#log.pushValueAnswer(i, shape, shared, value)
    if (shared) {
      this.#plainClass = c
      this.#plainHandler = i
      this.#plainCode = code
    }
  }

  /** Outside handler `i` threw `error` for `effect`: journaled, then thrown on. */
  #journalThrow(i: number, effect: Effect<unknown>, error: unknown): unknown {
    this.#putAnswer(i, effect, "throw", error)
    if (this.#pending !== null) return this.#flushThen(false, error)
    throw error
  }

  /** Outside handler `i` answered `effect` with `r` (any answer but the plainest). */
  #journalAnswer(
    i: number,
    effect: Effect<unknown>,
    k: Continuation<unknown>,
    r: unknown,
  ): unknown {
    if (r instanceof Control) {
      const how = this.#controlHow(i, r, k)
      this.#putAnswer(i, effect, how, how === "pass" ? undefined : r.value)
      if (this.#pending !== null) return this.#flushThen(true, r)
      return r
    }
    if (isGenerator(r)) return this.#journaledGenerator(i, effect, k, r)
    this.#putAnswer(i, effect, "abort", r)
    if (this.#pending !== null) return this.#flushThen(true, r)
    return r
  }

  /**
   * A generator handler that waits for the sink, then answers with `r` (a control or an
   * abort value), or throws it. (No closures in `#liveAnswer`: one there would make every
   * call allocate a context.)
   */
  *#flushThen(ok: boolean, r: unknown): Generator<unknown, unknown, unknown> {
    yield* this.#flush()
    if (!ok) throw r
    if (r instanceof Control) return yield* r as unknown as Generator<unknown, unknown, unknown>
    return r
  }

  #controlHow(i: number, c: Control, k: Continuation<unknown>): AnswerHow {
    const op = c.op
    if (op === OP_PASS || op === OP_DELEGATE) return "pass"
    if (c.k === k) {
      switch (op) {
        case OP_RESUME:
        case OP_TRANSFER:
          return "value"
        case OP_RESUME_THROW:
          return "resumeThrow"
        case OP_TRANSFER_THROW:
          return "transferThrow"
        case OP_TRANSFER_ENRICH:
        case OP_CLOSE:
          break
        default:
          op satisfies never
      }
    }
    throw new TypeError(
      `Outside handler ${this.outside[i]!.name} answered ${describe(k.effect)} by acting on another continuation: a journaled run needs outside handlers that answer the effect they are given (resume, transfer, throw, pass or return).`,
    )
  }

  #putAnswer(i: number, effect: Effect<unknown>, how: AnswerHow, value: unknown): void {
    const encoded =
      how === "pass"
        ? null
        : isJsonScalar(value)
          ? value
          : encode(value, () =>
              how === "throw" || how === "resumeThrow" || how === "transferThrow"
                ? `the error outside handler ${this.outside[i]!.name} raised for ${describe(effect)}`
                : `the answer of outside handler ${this.outside[i]!.name} to ${describe(effect)}`,
            )
    this.#put({ type: "answer", handler: i, effect: effectShape(effect), how, value: encoded })
  }

  /** A generator outside handler, journaled at the control that answers its `k`. */
  *#journaledGenerator(
    i: number,
    effect: Effect<unknown>,
    k: Continuation<unknown>,
    gen: Generator<unknown, unknown, unknown>,
  ): Generator<unknown, unknown, unknown> {
    let answered = false
    let nonTail = false
    let resumeSent = false
    let bodyOk = true
    let body: unknown
    let send: unknown
    let throwing = false
    let finished = false
    // The handler's own steps are not the program's: a replay answers without them. So the
    // step budget (preemption) is paused while it runs, and runs while the program does.
    let budget = pauseStepBudget(k)
    let paused = true
    try {
      for (;;) {
        let r: IteratorResult<unknown, unknown>
        try {
          r = throwing ? gen.throw(send) : gen.next(send)
        } catch (error) {
          finished = true
          if (!answered) {
            this.#putAnswer(i, effect, "throw", error)
            yield* this.#flush()
          } else if (nonTail) {
            this.#putReturn(i, false, error, resumeSent && !bodyOk && error === body)
            yield* this.#flush()
          }
          throw error
        }
        if (r.done) {
          finished = true
          if (!answered) {
            this.#putAnswer(i, effect, "abort", r.value)
            yield* this.#flush()
          } else if (nonTail) {
            this.#putReturn(i, true, r.value, resumeSent && bodyOk && r.value === body)
            yield* this.#flush()
          }
          return r.value
        }
        const y = r.value
        let isResume = false
        // Delegate re-performs the effect from this handler's frame (outside the region):
        // the handler answers k later, and that answer is the entry.
        if (
          !answered &&
          y instanceof Control &&
          y.op !== OP_DELEGATE &&
          (y.k === k || y.k === null)
        ) {
          let how = this.#controlHow(i, y, k)
          if (y.op === OP_RESUME) {
            how = "resume"
            nonTail = true
            isResume = true
          }
          this.#putAnswer(i, effect, how, how === "pass" ? undefined : y.value)
          if (how !== "pass") answered = true
          yield* this.#flush()
          resumeStepBudget(k, budget)
          paused = false
        }
        try {
          send = yield y
          throwing = false
          if (isResume) {
            resumeSent = true
            bodyOk = true
            body = send
          }
        } catch (error) {
          send = error
          throwing = true
          if (isResume) {
            resumeSent = true
            bodyOk = false
            body = error
          }
        }
        if (!paused) {
          // Back from the program (a non-tail resume's body): the handler's steps again.
          budget = pauseStepBudget(k)
          paused = true
        }
      }
    } finally {
      if (paused) resumeStepBudget(k, budget)
      if (!finished) gen.return(undefined)
    }
  }

  #putReturn(i: number, ok: boolean, value: unknown, same: boolean): void {
    const encoded = same
      ? null
      : encode(value, `the return of outside handler ${this.outside[i]!.name}`)
    this.#put({ type: "return", handler: i, ok, same, value: encoded })
  }
}

/** `r` resumes or transfers `k` with a value the log keeps as it is (`isPlainAnswer`). */
function isPlainControl(
  r: unknown,
  k: Continuation<unknown>,
): r is Control & { value: string | boolean | number | undefined } {
  return (
    r instanceof Control &&
    r.k === k &&
    (r.op === OP_RESUME || r.op === OP_TRANSFER) &&
    isPlainAnswer(r.value)
  )
}

/**
 * An answer the log keeps without the encoder: a value JSON holds as itself, or `undefined`
 * (the answer of every effect that is a command: a log line, a write, an emit).
 */
function isPlainAnswer(value: unknown): value is string | boolean | number | undefined {
  return value === undefined || isJsonScalar(value)
}

/** A value JSON holds as itself (the answers of most effects): encoded for free. */
function isJsonScalar(value: unknown): value is string | boolean | number {
  const t = typeof value
  if (t === "number") {
    const n = value as number
    // Finite and not -0, without calls: this runs once per recorded answer.
    return n - n === 0 && (n !== 0 || 1 / n > 0)
  }
  return t === "string" || t === "boolean"
}

function describe(effect: Effect<unknown>): string {
  return describeShape(effectShape(effect))
}

let lastClass: unknown = null
let lastIsMachine = false

/** The machine's own effects and waits on promises: never answers to journal (cached by class). */
function isMachineEffect(effect: Effect<unknown>): boolean {
  const c = effect.constructor
  if (c === lastClass) return lastIsMachine
  lastClass = c
  lastIsMachine =
    effect instanceof GetExecutionContext ||
    effect instanceof Preempt ||
    effect instanceof AwaitExternal
  return lastIsMachine
}

function asDef(h: HandlerDef | HandlerFunction): HandlerDef {
  return typeof h === "function" ? handler(h) : h
}

function sameShape(a: EffectShape, b: EffectShape): boolean {
  if (a.class !== b.class) return false
  return a.fields === b.fields || sameEncoded(a.fields, b.fields)
}

/**
 * Whether two encoded values read the same as JSON (keys in the same order). A journal read
 * from JSON has its own field objects, so every replayed answer compares its effect's
 * fields: without renderings (two JSON renderings per answer made the replay of such a journal
 * 2.4× slower, 837 against 355 ns per answer to an effect of two fields).
 */
function sameEncoded(a: Encoded, b: Encoded): boolean {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameEncoded(a[i]!, b[i]!)) return false
    return true
  }
  if (Array.isArray(b)) return false
  const keys = Object.keys(a)
  const others = Object.keys(b)
  if (keys.length !== others.length) return false
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    if (key !== others[i] || !sameEncoded(a[key]!, b[key]!)) return false
  }
  return true
}

function hasClassNamed(effect: object, names: ReadonlySet<string>): boolean {
  for (
    let c = effect.constructor;
    typeof c === "function" && c !== Object;
    c = Object.getPrototypeOf(c)
  ) {
    if (names.has(c.name)) return true
  }
  return false
}

function isGenerator(r: unknown): r is Generator<unknown, unknown, unknown> {
  return (
    typeof r === "object" &&
    r !== null &&
    typeof (r as Generator).next === "function" &&
    typeof (r as Generator).throw === "function"
  )
}

function observe(promise: PromiseLike<unknown>): void {
  Promise.resolve(promise).then(noop, noop)
}

function noop(): void {}
