import { awaitPromise, gather, realClock, scheduled, sleep, spawn } from "@effvm/scheduler"
import { fn, handler, program, Transfer } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { record } from "../src/index.js"
import { type JournalEntry, runJournaled } from "../src/journal/index.js"
import { Fetch, httpHandler, summary } from "./helpers.js"

const worker = fn(function* worker(i: number) {
  const a = yield* new Fetch(`/a/${i}`)
  yield* sleep(2)
  const b = yield* awaitPromise(Promise.resolve(i))
  return `${a}:${b}`
})
const main = () =>
  scheduled(
    program(function* main() {
      const tasks = []
      for (let i = 0; i < 3; i++) tasks.push(yield* spawn(worker(i)))
      return yield* gather(...tasks)
    }),
    { clock: realClock },
  )

describe("runJournaled: replay a stored prefix, then go on live", () => {
  it("hands each new entry to the sink with its position, none of the replayed ones", async () => {
    const { http } = httpHandler()
    const { journal } = await record(main(), { handlers: [http] })
    const cut = Math.floor(journal.entries.length / 2)
    const seen: [number, JournalEntry][] = []
    const { outcome, entries, replayed } = await runJournaled(main(), {
      handlers: [http],
      entries: journal.entries.slice(0, cut),
      sink: (entry, position) => {
        seen.push([position, entry])
      },
    })
    expect(outcome).toMatchObject({
      status: "done",
      value: ["body of /a/0:0", "body of /a/1:1", "body of /a/2:2"],
    })
    expect(replayed).toBe(cut)
    expect(seen[0]![0]).toBe(cut)
    expect(seen.map(([p]) => p)).toEqual(seen.map((_, i) => cut + i))
    expect(entries.slice(cut)).toEqual(seen.map(([, e]) => e))
  })

  it("calls the outside handlers only for the effects past the prefix", async () => {
    const { http, calls } = httpHandler()
    const { journal } = await record(main(), { handlers: [http] })
    const firstAnswers = journal.entries.findIndex(
      (e, i) =>
        i > 0 &&
        e.type === "answer" &&
        e.effect.fields &&
        (e.effect.fields as { url: string }).url === "/a/1",
    )
    calls.length = 0
    await runJournaled(main(), {
      handlers: [http],
      entries: journal.entries.slice(0, firstAnswers + 1),
    })
    expect(calls).toEqual(["/a/2"])
  })

  it("ends with the outcome of an uninterrupted run, wherever the prefix stops", async () => {
    const { http } = httpHandler()
    const { outcome, journal } = await record(main(), { handlers: [http] })
    for (let cut = 0; cut <= journal.entries.length; cut += 3) {
      const resumed = await runJournaled(main(), {
        handlers: [http],
        entries: journal.entries.slice(0, cut),
      })
      expect(summary(resumed.outcome)).toEqual(summary(outcome))
      expect(resumed.divergence).toBeNull()
    }
  })

  it("keeps a sleep's deadline from the journaled reading: it wakes at its original time", async () => {
    const napper = scheduled(
      program(function* napper() {
        yield* sleep(300)
        return "rested"
      }),
      { clock: realClock },
    )
    // The journal of a run that crashed 250 ms into its sleep: its first clock reading (the
    // sleep's start) was 250 ms ago.
    const { journal } = await record(napper)
    const started = Date.now()
    const firstClock = journal.entries.findIndex((e) => e.type === "clock")
    const prefix: JournalEntry[] = [
      ...journal.entries.slice(0, firstClock),
      { type: "clock", now: started - 250 },
    ]
    const resumedAt = performance.now()
    const { outcome, entries } = await runJournaled(napper, { entries: prefix })
    expect(outcome).toMatchObject({ value: "rested" })
    // Slept the remaining 50 ms or so, not 300.
    expect(performance.now() - resumedAt).toBeLessThan(250)
    const clocks = entries.filter((e) => e.type === "clock").map((e) => (e as { now: number }).now)
    expect(clocks.at(-1)!).toBeGreaterThanOrEqual(started + 50)
  })

  it("waits for the sink's promise before an answer reaches the program", async () => {
    const { http } = httpHandler()
    const log: string[] = []
    const single = program(function* single() {
      const body = yield* new Fetch("/slow-store")
      log.push(`program got ${body}`)
      return body
    })
    await runJournaled(single, {
      handlers: [http],
      sink: (entry) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            log.push(`stored ${entry.type}`)
            resolve()
          }, 5),
        ),
    })
    expect(log).toEqual(["stored answer", "program got body of /slow-store"])
  })

  it("confirms clock and choice entries before the next effect leaves the run", async () => {
    let unconfirmed = 0
    const seenByHandler: number[] = []
    const http = handler(
      (eff: Fetch, k) => {
        seenByHandler.push(unconfirmed)
        return Transfer(k, eff.url)
      },
      { handles: [Fetch], name: "http" },
    )
    const probe = scheduled(
      program(function* probe() {
        yield* sleep(1)
        return yield* new Fetch("/after-sleep")
      }),
      { clock: realClock },
    )
    const { entries } = await runJournaled(probe, {
      handlers: [http],
      sink: () => {
        unconfirmed++
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            unconfirmed--
            resolve()
          }, 1),
        )
      },
    })
    const before = entries.findIndex((e) => e.type === "answer")
    expect(entries.slice(0, before).map((e) => e.type)).toContain("clock")
    expect(seenByHandler).toEqual([0])
  })

  it("a rejected sink write fails the run with its error", async () => {
    const { http } = httpHandler()
    const single = program(function* single() {
      return yield* new Fetch("/x")
    })
    const { outcome } = await runJournaled(single, {
      handlers: [http],
      sink: () => Promise.reject(new Error("disk I/O error")),
    })
    expect(outcome.status).toBe("failed")
    expect((outcome as { error: Error }).error.message).toBe("disk I/O error")
  })

  it("replay mode: the run may not go past the stored entries", async () => {
    const { http, calls } = httpHandler()
    const { journal } = await record(main(), { handlers: [http] })
    calls.length = 0
    const { divergence } = await runJournaled(main(), {
      handlers: [http],
      entries: journal.entries.slice(0, 4),
      mode: "replay",
    })
    expect(divergence?.position).toBe(4)
    expect(calls).toEqual([])
  })
})

describe("beforeOutside", () => {
  it("names each effect leaving the run by the position its answer takes, the same after a resume", async () => {
    const { http } = httpHandler()
    const firstRun: [string, number][] = []
    const { journal } = await record(main(), { handlers: [http] })
    await runJournaled(main(), {
      handlers: [http],
      beforeOutside: (effect, position) => firstRun.push([(effect as Fetch).url, position]),
    })
    for (const [url, position] of firstRun) {
      const entry = journal.entries[position]!
      expect(entry.type === "answer" && (entry.effect.fields as { url: string }).url).toBe(url)
    }
    const cut = firstRun[1]![1]
    const resumed: [string, number][] = []
    await runJournaled(main(), {
      handlers: [http],
      entries: journal.entries.slice(0, cut),
      beforeOutside: (effect, position) => resumed.push([(effect as Fetch).url, position]),
    })
    expect(resumed).toEqual(firstRun.slice(1))
  })
})

describe("an asynchronous sink with every shape of outside handler", () => {
  it("generator, throwing and passing handlers journal the same entries as with no sink", async () => {
    const { awaitExternal, Pass, ResumeThrow } = await import("@effvm/vm-core")
    const gen = handler(
      function* gen(eff: Fetch, k) {
        const body = yield* awaitExternal(Promise.resolve(`async ${eff.url}`))
        if (eff.url === "/bad") return yield* ResumeThrow(k, new Error("bad url"))
        return yield* Transfer(k, body)
      },
      { handles: [Fetch], name: "gen" },
    )
    const passer = handler(function passer() {
      return Pass()
    })
    const flow = program(function* flow() {
      const a = yield* new Fetch("/a")
      let b = "none"
      try {
        yield* new Fetch("/bad")
      } catch (e) {
        b = (e as Error).message
      }
      return `${a} | ${b}`
    })
    const plain = await runJournaled(flow, { handlers: [gen, passer] })
    const written: JournalEntry[] = []
    const slow = await runJournaled(flow, {
      handlers: [gen, passer],
      sink: (entry) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            written.push(entry)
            resolve()
          }, 1),
        ),
    })
    expect(slow.outcome).toMatchObject({ status: "done", value: "async /a | bad url" })
    expect(summary(slow.outcome)).toEqual(summary(plain.outcome))
    // The same entries (the errors' stacks name the lines of two different runs).
    const withoutStacks = (entries: readonly JournalEntry[]) =>
      JSON.stringify(entries).replace(/"stack":"(?:[^"\\]|\\.)*"/g, '"stack":""')
    expect(withoutStacks(slow.entries)).toBe(withoutStacks(plain.entries))
    expect(withoutStacks(written)).toBe(withoutStacks(plain.entries))
  })
})
