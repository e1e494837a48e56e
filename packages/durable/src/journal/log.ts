import type { EffectShape, JournalEntry } from "./format.js"
import type { Encoded } from "./serialize.js"

/**
 * The entries a journaled run makes, kept compactly while it runs: two 32-bit integers per
 * entry (a code, its kind with an index, and a value) in typed-array chunks, with objects
 * only where an entry needs one. A value that is not a 32-bit integer (a clock reading, a
 * fraction) is kept in a side list of doubles and the entry holds its index. The common
 * entries (an outside handler's plain answer, a clock reading, a scheduling decision)
 * allocate nothing per entry on the JS heap. A journal entry object is made when the entry is read (`at`, `toArray`), never
 * while the run records.
 *
 * Why: a recorded run of 10⁵ effects kept 10⁵ entry objects alive while it ran, each
 * stored into an array in the old generation; the garbage collector copied them and
 * walked the array's remembered slots on every young-generation collection. That was
 * half of what recording cost per effect (docs/performance.md, W30). Chunks, not one
 * growing buffer: growing copies every entry again. 32-bit slots, not doubles: writing the
 * chunks' fresh memory was a quarter of what was left (8 bytes an entry, not 16).
 *
 * @example
 * ```ts
 * const log = new EntryLog()
 * log.pushClock(Date.now())
 * log.at(0) // { type: "clock", now: 1765000000000 }
 * ```
 */
export class EntryLog {
  /** The current chunk: per entry, its code (`kind | WIDE? | index << KIND_BITS`) and its value. */
  #slots = new Int32Array(FIRST_CHUNK * 2)
  /** The next free slot of the current chunk. */
  #at = 0
  /** The full chunks, oldest first, and how many entries they hold. */
  readonly #full: Int32Array[] = []
  #inFull = 0
  /** Entry objects, and answer values that are not numbers. */
  readonly #refs: unknown[] = []
  /** Values that are not 32-bit integers, for the entries whose code has `WIDE`. */
  readonly #wide: number[] = []
  /** Who answered what: an answer's outside handler and its effect's shape, shared by answers. */
  readonly #answerers: Answerer[] = []
  /** For a shape shared by all effects of its class: its answerers' indexes. */
  readonly #answerersOf = new Map<EffectShape, number[]>()
  /** The materialised entries, kept once made (entries never change). */
  #array: JournalEntry[] | null = null

  get length(): number {
    return this.#inFull + this.#at / 2
  }

  /** Appends `entry` as it is (an entry a sink has seen, or a rare kind). */
  push(entry: JournalEntry): void {
    if (entry.type === "clock") this.pushClock(entry.now)
    else if (entry.type === "choice") this.pushChoice(entry.task)
    else this.#put(this.#code(K_OBJECT, this.#refs.push(entry) - 1), 0)
  }

  /**
   * Appends an `answer` entry with `how: "value"`; `value` must be JSON as itself (a
   * string, a boolean, a finite number other than -0). `shared` says the shape is the one
   * every effect of its class has (it is then stored once for all of them). Returns the
   * code of the handler and shape, for `pushAnswerCoded` (a caller appending many answers
   * of one class keeps it, and skips the lookup).
   */
  pushValueAnswer(
    handler: number,
    shape: EffectShape,
    shared: boolean,
    value: string | boolean | number | undefined,
  ): number {
    const code = this.#answerCode(handler, shape, shared)
    this.pushAnswerCoded(code, value)
    return code
  }

  /** `pushValueAnswer` with the code an earlier one returned for the same handler and shape. */
  pushAnswerCoded(code: number, value: string | boolean | number | undefined): void {
    if (typeof value === "number") this.#put(code, value)
    else if (value === undefined) this.#put(code + (K_ANSWER_UNDEFINED - K_ANSWER_NUMBER), 0)
    else this.#put(code + (K_ANSWER_REF - K_ANSWER_NUMBER), this.#refs.push(value) - 1)
  }

  pushClock(now: number): void {
    this.#put(K_CLOCK, now)
  }

  pushChoice(task: number): void {
    this.#put(K_CHOICE, task)
  }

  /** Entry `i` as a journal entry object. */
  at(i: number): JournalEntry | undefined {
    if (i < 0 || i >= this.length) return undefined
    if (this.#array !== null && i < this.#array.length) return this.#array[i]
    let at = i * 2
    for (const slots of this.#full) {
      if (at < slots.length) return this.#entry(slots[at]!, slots[at + 1]!)
      at -= slots.length
    }
    return this.#entry(this.#slots[at]!, this.#slots[at + 1]!)
  }

  /** All entries as journal entry objects (made once, then kept). */
  toArray(): readonly JournalEntry[] {
    const made = this.#array ?? []
    const length = this.length
    let i = 0
    for (const slots of [...this.#full, this.#slots]) {
      for (let at = 0; at < slots.length && i < length; at += 2, i++) {
        if (i >= made.length) made.push(this.#entry(slots[at]!, slots[at + 1]!))
      }
    }
    this.#array = made
    return made
  }

  /** The entry whose code and value slots are `code` and `slot`. */
  #entry(code: number, slot: number): JournalEntry {
    const value = code & WIDE ? this.#wide[slot]! : slot
    const index = code >>> KIND_BITS
    switch (code & KIND_MASK) {
      case K_OBJECT:
        return this.#refs[index] as JournalEntry
      case K_ANSWER_NUMBER: {
        const who = this.#answerers[index]!
        return answer(who.handler, who.shape, value)
      }
      case K_ANSWER_REF: {
        const who = this.#answerers[index]!
        return answer(who.handler, who.shape, this.#refs[value] as Encoded)
      }
      case K_ANSWER_UNDEFINED: {
        const who = this.#answerers[index]!
        return answer(who.handler, who.shape, { $: "undefined" })
      }
      case K_CLOCK:
        return { type: "clock", now: value }
      default:
        return { type: "choice", task: value }
    }
  }

  #put(code: number, value: number): void {
    let at = this.#at
    let slots = this.#slots
    if (at === slots.length) {
      this.#full.push(slots)
      this.#inFull += at / 2
      slots = new Int32Array(Math.min(at * 2, LAST_CHUNK * 2))
      this.#slots = slots
      at = 0
    }
    // `value | 0` is a 32-bit integer as itself; -0 and anything else go to the side list.
    if ((value | 0) === value && (value !== 0 || 1 / value > 0)) slots[at + 1] = value
    else {
      code |= WIDE
      slots[at + 1] = this.#wide.push(value) - 1
    }
    slots[at] = code
    this.#at = at + 2
  }

  /** The code of an entry of `kind` with `index`, checked to fit its slot. */
  #code(kind: number, index: number): number {
    if (index > MAX_INDEX) {
      throw new RangeError(
        `A journal kept in memory holds at most ${MAX_INDEX + 1} entries of one kind; this run made more.`,
      )
    }
    return kind + (index << KIND_BITS)
  }

  /** The code of a numeric answer by `handler` to an effect of `shape`. */
  #answerCode(handler: number, shape: EffectShape, shared: boolean): number {
    if (!shared) return this.#code(K_ANSWER_NUMBER, this.#newAnswerer(handler, shape))
    let known = this.#answerersOf.get(shape)
    if (known === undefined) {
      known = []
      this.#answerersOf.set(shape, known)
    }
    let who = -1
    for (const a of known) if (this.#answerers[a]!.handler === handler) who = a
    if (who === -1) {
      who = this.#newAnswerer(handler, shape)
      known.push(who)
    }
    return this.#code(K_ANSWER_NUMBER, who)
  }

  #newAnswerer(handler: number, shape: EffectShape): number {
    return this.#answerers.push({ handler, shape }) - 1
  }
}

interface Answerer {
  readonly handler: number
  readonly shape: EffectShape
}

/**
 * Entries in the first chunk; each next chunk holds twice as many, up to the last size.
 * (A short run allocates little; a long one allocates rarely: 7 chunks for 10⁵ entries.)
 */
const FIRST_CHUNK = 1024
const LAST_CHUNK = 65_536

// Entry kinds, the low bits of an entry's code; above them `WIDE`, then an index.
const K_OBJECT = 0
const K_ANSWER_NUMBER = 1
const K_ANSWER_REF = 2
const K_CLOCK = 3
const K_CHOICE = 4
const K_ANSWER_UNDEFINED = 5
const KIND_MASK = 7
/** The entry's value slot holds an index into the side list of doubles. */
const WIDE = 8
const KIND_BITS = 4
/** The largest index a code holds in a signed 32-bit slot. */
const MAX_INDEX = 2 ** (31 - KIND_BITS) - 1

/** An answer entry, its fields in the order every writer of the format uses. */
function answer(handler: number, effect: EffectShape, value: Encoded): JournalEntry {
  return { type: "answer", handler, effect, how: "value", value }
}
