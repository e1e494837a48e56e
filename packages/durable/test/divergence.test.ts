import { realClock, scheduled, sleep, spawn, wait } from "@effvm/scheduler"
import { Effect, fn, handler, program, Transfer } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { JournalDivergenceError, record, replay } from "../src/index.js"
import { Fetch, httpHandler, Store, throughJson } from "./helpers.js"

async function journalOf(body: ReturnType<typeof program>) {
  const { http } = httpHandler()
  return throughJson((await record(body, { handlers: [http] })).journal)
}

function rejection(p: Promise<unknown>): Promise<JournalDivergenceError> {
  return p.then(
    () => {
      throw new Error("expected a divergence")
    },
    (e: unknown) => e as JournalDivergenceError,
  )
}

/** A program whose effects a flag changes, recorded with the flag off. */
function switchable() {
  const flags = { url: "/a", klass: "fetch" as "fetch" | "store", extra: false, stopEarly: false }
  const main = program(function* main() {
    const a = yield* new Fetch("/first")
    if (flags.stopEarly) return a
    const b = flags.klass === "fetch" ? yield* new Fetch(flags.url) : yield* new Store(flags.url, 1)
    if (flags.extra) yield* new Fetch("/extra")
    return `${a} ${b}`
  })
  return { flags, main }
}

describe("JournalDivergenceError", () => {
  it("is re-exported by @effvm/durable", async () => {
    const core = await import("@effvm/vm-core")
    expect(JournalDivergenceError).toBe(core.JournalDivergenceError)
  })

  it("an effect with other fields: position, expected, actual and both effects in the message", async () => {
    const { flags, main } = switchable()
    const journal = await journalOf(main)
    flags.url = "/b"
    const error = await rejection(replay(main, journal))
    expect(error).toBeInstanceOf(JournalDivergenceError)
    expect(error.position).toBe(1)
    expect(error.expected).toBe('Fetch("/a") answered by outside handler http')
    expect(error.actual).toBe('Fetch("/b") offered to outside handler http')
    expect(error.message).toContain('Fetch("/a")')
    expect(error.message).toContain('Fetch("/b")')
  })

  it("fields are compared as the journal holds them, nested values included", async () => {
    class Query extends Effect<number> {
      constructor(readonly filter: { readonly tags: readonly string[]; readonly since: Date }) {
        super()
      }
    }
    const db = handler((_eff: Query, k) => Transfer(k, 3), { handles: [Query], name: "db" })
    let tag = "a"
    const main = program(function* main() {
      return yield* new Query({ tags: ["x", tag], since: new Date(0) })
    })
    const journal = throughJson((await record(main, { handlers: [db] })).journal)
    await expect(replay(main, journal)).resolves.toMatchObject({ status: "done", value: 3 })
    tag = "b"
    const error = await rejection(replay(main, journal))
    expect(error.position).toBe(0)
  })

  it("another effect class at the same position", async () => {
    const { flags, main } = switchable()
    const anything = handler((eff, k) => Transfer(k, eff.constructor.name), { name: "anything" })
    const journal = throughJson((await record(main, { handlers: [anything] })).journal)
    flags.klass = "store"
    const error = await rejection(replay(main, journal))
    expect(error.position).toBe(1)
    expect(error.expected).toBe('Fetch("/a") answered by outside handler anything')
    expect(error.actual).toBe('Store("/a", 1) offered to outside handler anything')
  })

  it("more effects than the journal holds: the journal's end is expected", async () => {
    const { flags, main } = switchable()
    const journal = await journalOf(main)
    flags.extra = true
    const error = await rejection(replay(main, journal))
    expect(error.position).toBe(2)
    expect(error.expected).toBe("the end of the journal")
    expect(error.actual).toBe('Fetch("/extra") offered to outside handler http')
  })

  it("a run that ends before its journal does", async () => {
    const { flags, main } = switchable()
    const journal = await journalOf(main)
    flags.stopEarly = true
    const error = await rejection(replay(main, journal))
    expect(error.position).toBe(1)
    expect(error.actual).toBe("the end of the run")
  })

  it("a program that catches the divergence still makes replay reject", async () => {
    const flags = { url: "/a" }
    const main = program(function* main() {
      try {
        return yield* new Fetch(flags.url)
      } catch {
        return "swallowed"
      }
    })
    const journal = await journalOf(main)
    flags.url = "/z"
    await expect(replay(main, journal)).rejects.toBeInstanceOf(JournalDivergenceError)
  })

  it("another scheduling decision", async () => {
    const flags = { priority: 0 }
    const child = fn(function* child(n: number) {
      yield* sleep(1)
      return n
    })
    const main = program(function* main() {
      const a = yield* spawn(child(1))
      const b = yield* spawn(child(2), { priority: flags.priority })
      return [yield* wait(a), yield* wait(b)]
    })
    const { journal } = await record(scheduled(main, { clock: realClock }))
    flags.priority = 5
    const error = await rejection(
      replay(scheduled(main, { clock: realClock }), throughJson(journal)),
    )
    expect(error.expected).toMatch(/^a scheduling decision for task \d$/)
    expect(error.actual).toMatch(/^a scheduling decision for task \d$/)
    expect(error.expected).not.toBe(error.actual)
  })
})
