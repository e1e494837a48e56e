import { program } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { type Journal, JournalDivergenceError, record, replay } from "../src/index.js"
import { checksumOf } from "../src/journal/index.js"
import { Fetch, httpHandler, throughJson } from "./helpers.js"

const main = program(function* main() {
  const a = yield* new Fetch("/a")
  const b = yield* new Fetch("/b")
  return `${a} ${b}`
})

async function recorded(): Promise<Journal> {
  const { http } = httpHandler()
  return throughJson((await record(main, { handlers: [http] })).journal)
}

describe("replay refuses bad journals with a clear error", () => {
  it("a journal of another program", async () => {
    const other = program(function* other() {
      return yield* new Fetch("/a")
    })
    await expect(replay(other, await recorded())).rejects.toThrow(
      'This journal was recorded for program "main", not "other"',
    )
  })

  it("a journal from a newer format version", async () => {
    const journal = { ...(await recorded()), version: 99 }
    await expect(replay(main, journal)).rejects.toThrow(
      "the journal has format version 99, newer than this effvm reads (version 1)",
    )
  })

  it("an edited journal (its entries no longer match the checksum it was sealed with)", async () => {
    const journal = { ...(await recorded()), checksum: checksumOf((await recorded()).entries) }
    await expect(replay(main, journal)).resolves.toMatchObject({ status: "done" })
    const entries = journal.entries.map((e) =>
      e.type === "answer" ? { ...e, value: "forged" } : e,
    )
    await expect(replay(main, { ...journal, entries })).rejects.toThrow(/was edited or damaged/)
  })

  it("a truncated journal: the replay diverges where the entries end", async () => {
    const journal = await recorded()
    const rest = journal
    const error = await replay(main, { ...rest, entries: journal.entries.slice(0, 1) }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(JournalDivergenceError)
    expect((error as JournalDivergenceError).position).toBe(1)
    expect((error as JournalDivergenceError).expected).toBe("the end of the journal")
  })

  it("a damaged entry is named by its index", async () => {
    const journal = await recorded()
    const rest = journal
    const entries = [journal.entries[0], { type: "answer", handler: "zero" }]
    await expect(replay(main, { ...rest, entries } as unknown as Journal)).rejects.toThrow(
      'the journal is damaged at entry 1: "handler" must be an integer',
    )
  })

  it.each([
    [
      "not an object",
      "[]",
      "the journal is not a journal: expected an object with version and entries, got an array",
    ],
    ["no version", "{}", "its version is undefined"],
    ["no entries", '{"version":1,"program":"main","handlers":[]}', '"entries" must be an array'],
  ])("%s", async (_what, text, message) => {
    await expect(replay(main, JSON.parse(text) as Journal)).rejects.toThrow(message)
  })

  it("handlers that do not match the recorded ones", async () => {
    await expect(replay(main, await recorded(), { handlers: [] })).rejects.toThrow(
      "the journal was recorded with 1 outside handler(s) (http), but 0 were given",
    )
  })
})

describe("a journal names its program through wrappers", () => {
  it("scheduled(main) is not scheduled(other)", async () => {
    const { scheduled, realClock } = await import("@effvm/scheduler")
    const other = program(function* other() {
      const a = yield* new Fetch("/a")
      const b = yield* new Fetch("/b")
      return `${a} ${b}`
    })
    const { http } = httpHandler()
    const { journal } = await record(scheduled(main, { clock: realClock }), { handlers: [http] })
    expect(journal.program).toBe("scheduled(main)")
    await expect(
      replay(scheduled(other, { clock: realClock }), throughJson(journal)),
    ).rejects.toThrow(
      'This journal was recorded for program "scheduled(main)", not "scheduled(other)"',
    )
  })
})
