import type { EffectShape, JournalEntry } from "./format.js"
import type { Encoded } from "./serialize.js"

/**
 * The entries a journaled run makes, kept compactly while it runs: per entry, one integer
 * (its kind and an index or a small field) and one number, in typed-array chunks, with
 * objects only where an entry needs one. The common entries (an outside handler's plain
 * answer, a clock reading, a scheduling decision) allocate nothing per entry on the JS
 * heap. A journal entry object is made when the entry is read (`at`, `toArray`), never
 * while the run records.
 *
 * Why: a recorded run of 10⁵ effects kept 10⁵ entry objects alive while it ran, each
 * stored into an array in the old generation; the garbage collector copied them and
 * walked the array's remembered slots on every young-generation collection. That was
 * half of what recording cost per effect (docs/performance.md, W30). Chunks, not one
 * growing buffer: growing copies every entry again.
 *
 * @example
 * ```ts
 * const log = new EntryLog()
 * log.pushClock(Date.now())
 * log.at(0) // { type: "clock", now: 1765000000000 }
 * ```
 */
export class EntryLog {
  #length = 0
  /** Per entry of the current chunk: `kind + index * KINDS` (see the kinds below). */
  #codes = new Int32Array(FIRST_CHUNK)
  /** Per entry of the current chunk: an answer's number value, or a clock reading. */
  #nums = new Float64Array(FIRST_CHUNK)
  /** The position of the next entry in the current chunk. */
  #offset = 0
  /** The full chunks, oldest first (the current one is `#codes`/`#nums`). */
  readonly #fullCodes: Int32Array[] = []
  readonly #fullNums: Float64Array[] = []
  /** Entry objects, and answer values that are not numbers. */
  readonly #refs: unknown[] = []
  /** Who answered what: an answer's outside handler and its effect's shape, shared by answers. */
  readonly #answerers: Answerer[] = []
  /** For a shape shared by all effects of its class: its answerers' indexes. */
  readonly #answerersOf = new Map<EffectShape, number[]>()
  #lastShape: EffectShape | null = null
  #lastHandler = -1
  #lastAnswerer = -1
  /** The materialised entries, kept once made (entries never change). */
  #array: JournalEntry[] | null = null

  get length(): number {
    return this.#length
  }

  /** Appends `entry` as it is (an entry a sink has seen, or a rare kind). */
  push(entry: JournalEntry): void {
    if (entry.type === "clock") this.pushClock(entry.now)
    else if (entry.type === "choice") this.pushChoice(entry.task)
    else this.#put(K_OBJECT | ((this.#refs.push(entry) - 1) * KINDS), 0)
  }

  /**
   * Appends an `answer` entry with `how: "value"`; `value` must be JSON as itself (a
   * string, a boolean, a finite number other than -0). `shared` says the shape is the one
   * every effect of its class has (it is then stored once for all of them).
   */
  pushValueAnswer(handler: number, shape: EffectShape, shared: boolean, value: Encoded): void {
    const who = shared ? this.#sharedAnswerer(handler, shape) : this.#newAnswerer(handler, shape)
    if (typeof value === "number") this.#put(K_ANSWER_NUMBER | (who * KINDS), value)
    else this.#put(K_ANSWER_REF | (who * KINDS), this.#refs.push(value) - 1)
  }

  pushClock(now: number): void {
    this.#put(K_CLOCK, now)
  }

  pushChoice(task: number): void {
    if (task >= 0 && task <= MAX_INDEX) this.#put(K_CHOICE | (task * KINDS), 0)
    else this.#put(K_OBJECT | ((this.#refs.push({ type: "choice", task }) - 1) * KINDS), 0)
  }

  /** Entry `i` as a journal entry object. */
  at(i: number): JournalEntry | undefined {
    if (i < 0 || i >= this.#length) return undefined
    if (this.#array !== null && i < this.#array.length) return this.#array[i]
    let at = i
    for (let c = 0; c < this.#fullCodes.length; c++) {
      const codes = this.#fullCodes[c]!
      if (at < codes.length) return this.#entry(codes[at]!, this.#fullNums[c]![at]!)
      at -= codes.length
    }
    return this.#entry(this.#codes[at]!, this.#nums[at]!)
  }

  /** All entries as journal entry objects (made once, then kept). */
  toArray(): readonly JournalEntry[] {
    const made = this.#array ?? []
    if (made.length < this.#length) {
      let i = 0
      const chunks = [...this.#fullCodes, this.#codes]
      const nums = [...this.#fullNums, this.#nums]
      for (let c = 0; c < chunks.length && i < this.#length; c++) {
        const codes = chunks[c]!
        for (let at = 0; at < codes.length && i < this.#length; at++, i++) {
          if (i >= made.length) made.push(this.#entry(codes[at]!, nums[c]![at]!))
        }
      }
    }
    this.#array = made
    return made
  }

  /** The entry whose code and number are `code` and `num`. */
  #entry(code: number, num: number): JournalEntry {
    const index = Math.floor(code / KINDS)
    switch (code % KINDS) {
      case K_OBJECT:
        return this.#refs[index] as JournalEntry
      case K_ANSWER_NUMBER: {
        const who = this.#answerers[index]!
        return answer(who.handler, who.shape, num)
      }
      case K_ANSWER_REF: {
        const who = this.#answerers[index]!
        return answer(who.handler, who.shape, this.#refs[num] as Encoded)
      }
      case K_CLOCK:
        return { type: "clock", now: num }
      default:
        return { type: "choice", task: index }
    }
  }

  #put(code: number, num: number): void {
    let offset = this.#offset
    if (offset === this.#codes.length) {
      const size = Math.min(offset * 2, LAST_CHUNK)
      this.#fullCodes.push(this.#codes)
      this.#fullNums.push(this.#nums)
      this.#codes = new Int32Array(size)
      this.#nums = new Float64Array(size)
      offset = 0
    }
    this.#codes[offset] = code
    this.#nums[offset] = num
    this.#offset = offset + 1
    this.#length++
  }

  #sharedAnswerer(handler: number, shape: EffectShape): number {
    if (shape === this.#lastShape && handler === this.#lastHandler) return this.#lastAnswerer
    return this.#lookUpAnswerer(handler, shape)
  }

  /** (No closure in `#sharedAnswerer`: one there made every call allocate a context.) */
  #lookUpAnswerer(handler: number, shape: EffectShape): number {
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
    this.#lastShape = shape
    this.#lastHandler = handler
    this.#lastAnswerer = who
    return who
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

// Entry kinds, the low part of an entry's code (the rest is an index or a task id).
const K_OBJECT = 0
const K_ANSWER_NUMBER = 1
const K_ANSWER_REF = 2
const K_CLOCK = 3
const K_CHOICE = 4
const KINDS = 8
/** The largest index a code holds (an Int32Array element). */
const MAX_INDEX = 2 ** 31 / KINDS - 1

/** An answer entry, its fields in the order every writer of the format uses. */
function answer(handler: number, effect: EffectShape, value: Encoded): JournalEntry {
  return { type: "answer", handler, effect, how: "value", value }
}
