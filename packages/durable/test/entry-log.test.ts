import { Effect, fn, handler, Resume } from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { record, replay } from "../src/index.js"
import { checksumOf, type EffectShape, type JournalEntry } from "../src/journal/index.js"
import { EntryLog } from "../src/journal/log.js"
import { effectShape, isClassShape } from "../src/journal/serialize.js"
import { throughJson } from "./helpers.js"

class Tick extends Effect<number> {}

const tickShape = effectShape(new Tick())

/** One append to a log, with the entry a reader must then see. */
type Append =
  | {
      readonly via: "answer"
      readonly handler: number
      readonly shape: EffectShape
      readonly value: string | number | boolean | undefined
    }
  | { readonly via: "clock"; readonly now: number }
  | { readonly via: "choice"; readonly task: number }
  | { readonly via: "entry"; readonly entry: JournalEntry }

const append: fc.Arbitrary<Append> = fc.oneof(
  fc.record({
    via: fc.constant("answer" as const),
    handler: fc.integer({ min: 0, max: 3 }),
    shape: fc.oneof(
      fc.constant(tickShape),
      fc.record({ class: fc.constant("Fetch"), fields: fc.record({ url: fc.string() }) }),
    ),
    value: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0)),
      fc.integer(),
      fc.string(),
      fc.boolean(),
      fc.constant(undefined),
    ),
  }),
  fc.record({
    via: fc.constant("clock" as const),
    now: fc.double({ noNaN: true, noDefaultInfinity: true }),
  }),
  fc.record({ via: fc.constant("choice" as const), task: fc.oneof(fc.nat(100), fc.nat()) }),
  fc.record({
    via: fc.constant("entry" as const),
    entry: fc.oneof(
      fc.record({ type: fc.constant("external" as const), ok: fc.boolean(), value: fc.string() }),
      fc.record({
        type: fc.constant("settled" as const),
        task: fc.nat(),
        ok: fc.boolean(),
        value: fc.integer(),
      }),
      fc.record({
        type: fc.constant("return" as const),
        handler: fc.nat(3),
        ok: fc.boolean(),
        same: fc.boolean(),
        value: fc.constant(null),
      }),
      fc.record({ type: fc.constant("clock" as const), now: fc.integer() }),
      fc.record({ type: fc.constant("choice" as const), task: fc.nat() }),
    ),
  }),
)

function appendTo(log: EntryLog, a: Append): JournalEntry {
  switch (a.via) {
    case "answer":
      log.pushValueAnswer(a.handler, a.shape, isClassShape(a.shape), a.value)
      return {
        type: "answer",
        handler: a.handler,
        effect: a.shape,
        how: "value",
        value: a.value === undefined ? { $: "undefined" } : a.value,
      }
    case "clock":
      log.pushClock(a.now)
      return { type: "clock", now: a.now }
    case "choice":
      log.pushChoice(a.task)
      return { type: "choice", task: a.task }
    case "entry":
      log.push(a.entry)
      return a.entry
  }
}

describe("the compact entry log", () => {
  it("gives back every entry as the entry object appended, in order and field order", () => {
    fc.assert(
      fc.property(fc.array(append, { maxLength: 60 }), (appends) => {
        const log = new EntryLog()
        const expected = appends.map((a) => appendTo(log, a))
        expect(log.length).toBe(expected.length)
        expected.forEach((entry, i) => {
          expect(log.at(i)).toEqual(entry)
        })
        // Field order too: the checksum of a journal is over its JSON text.
        expect(JSON.stringify(log.toArray())).toBe(JSON.stringify(expected))
      }),
    )
  })

  it("keeps entries across many chunks of its buffers", () => {
    const log = new EntryLog()
    const expected: JournalEntry[] = []
    for (let i = 0; i < 20_000; i++) {
      const a: Append =
        i % 3 === 0
          ? { via: "answer", handler: i % 2, shape: tickShape, value: i % 5 === 0 ? `v${i}` : i }
          : i % 3 === 1
            ? { via: "clock", now: 1_700_000_000_000 + i / 4 }
            : { via: "choice", task: i }
      expected.push(appendTo(log, a))
    }
    expect(log.at(20_000)).toBeUndefined()
    // Chunks of 1024, 2048, 4096, …: their first and last entries.
    for (const i of [0, 1023, 1024, 3071, 3072, 7167, 7168, 12_345, 19_999])
      expect(log.at(i)).toEqual(expected[i])
    expect(checksumOf(log.toArray())).toBe(checksumOf(expected))
  })

  it("stores a shape shared by all effects of a class once, for any handler", () => {
    const log = new EntryLog()
    log.pushValueAnswer(0, tickShape, true, 1)
    log.pushValueAnswer(1, tickShape, true, 2)
    log.pushValueAnswer(0, tickShape, true, 3)
    const [a, b, c] = log.toArray() as Extract<JournalEntry, { type: "answer" }>[]
    expect([a!.handler, b!.handler, c!.handler]).toEqual([0, 1, 0])
    expect(a!.effect).toBe(tickShape)
    expect(c!.effect).toBe(tickShape)
  })
})

describe("a recorded journal's entries", () => {
  const ticks = fn(function* ticks(n: number) {
    let sum = 0
    for (let i = 0; i < n; i++) sum += yield* new Tick()
    return sum
  })
  const tick = () => handler((_eff, k) => Resume(k, 2), { handles: [Tick], name: "tick" })

  it("are made when first read, then are the journal's own data", async () => {
    const { journal } = await record(ticks(5000), { handlers: [tick()] })
    expect(Object.getOwnPropertyDescriptor(journal, "entries")?.get).toBeDefined()
    const entries = journal.entries
    expect(entries).toHaveLength(5000)
    expect(entries[4999]).toEqual({
      type: "answer",
      handler: 0,
      effect: { class: "Tick", fields: {} },
      how: "value",
      value: 2,
    })
    expect(Object.getOwnPropertyDescriptor(journal, "entries")?.value).toBe(entries)
    expect(journal.entries).toBe(entries)
  })

  it("read the same through JSON and replay to the same outcome", async () => {
    const { outcome, journal } = await record(ticks(5000), { handlers: [tick()] })
    const copy = throughJson(journal)
    expect(copy.entries).toEqual(journal.entries)
    expect(await replay(ticks(5000), copy)).toMatchObject({ status: "done", value: 10_000 })
    expect(outcome).toMatchObject({ status: "done", value: 10_000 })
  })

  it("can be replaced before they are read, as a plain property can", async () => {
    const { journal } = await record(ticks(3), { handlers: [tick()] })
    ;(journal as { entries: readonly JournalEntry[] }).entries = []
    expect(journal.entries).toEqual([])
  })

  it("can be read from a journal frozen before they were", async () => {
    const { journal } = await record(ticks(3), { handlers: [tick()] })
    Object.freeze(journal)
    expect(journal.entries).toHaveLength(3)
    expect(journal.entries).toBe(journal.entries)
  })
})
