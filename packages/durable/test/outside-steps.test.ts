import { scheduled, spawn, wait } from "@effvm/scheduler"
import { awaitExternal, fn, handler, Transfer } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { record, replay } from "../src/index.js"
import { Fetch, summary, throughJson } from "./helpers.js"

/** A sub-program call: one machine step each. */
const step = fn(function* step(i: number) {
  return i
})

/** An outside generator handler that takes `work` machine steps before it answers. */
function slowHttp(work: number) {
  return handler(
    function* (eff: Fetch, k) {
      let s = 0
      for (let i = 0; i < work; i++) s += yield* step(i)
      return yield* Transfer(k, `${eff.url}:${s}`)
    },
    { handles: [Fetch], name: "slow http" },
  )
}

/** An outside generator handler that waits on a JS promise, then works, then answers. */
const waitingHttp = handler(
  function* (eff: Fetch, k) {
    const body = yield* awaitExternal(Promise.resolve(`${eff.url} ok`))
    let s = 0
    for (let i = 0; i < 12; i++) s += yield* step(i)
    return yield* Transfer(k, `${body}:${s}`)
  },
  { handles: [Fetch], name: "waiting http" },
)

const worker = fn(function* worker(name: string) {
  let acc = name
  for (let round = 0; round < 6; round++) {
    acc += `|${yield* new Fetch(`/${name}/${round}`)}`
    for (let i = 0; i < 7; i++) yield* step(i)
  }
  return acc
})

const main = fn(function* main() {
  const a = yield* spawn(worker("a"))
  const b = yield* spawn(worker("b"))
  const c = yield* spawn(worker("c"))
  return [yield* wait(a), yield* wait(b), yield* wait(c)]
})

describe("outside handlers' own machine steps", () => {
  it("do not count towards the fairness budget: a run recorded with a slow outside generator handler replays without it", async () => {
    // 20 steps a turn; the handler takes 25 before each answer: counted, they would move
    // every preemption of the recorded run away from where replay makes it.
    const program = () => scheduled(main(), { quanta: 20 })
    const { outcome, journal } = await record(program(), { handlers: [slowHttp(25)] })
    expect(outcome.status).toBe("done")
    const again = await replay(program(), throughJson(journal))
    expect(summary(again)).toEqual(summary(outcome))
    expect(again.choices).toEqual(outcome.choices)
  })

  it("give the same preemptions as a run whose outside handler answers at once", async () => {
    const program = () => scheduled(main(), { quanta: 20 })
    const slow = await record(program(), { handlers: [slowHttp(25)] })
    const quick = await record(program(), { handlers: [slowHttp(0)] })
    const choices = (j: typeof slow.journal) =>
      j.entries.filter((e) => e.type === "choice").map((e) => (e as { task: number }).task)
    expect(choices(slow.journal)).toEqual(choices(quick.journal))
  })

  it("nor do the steps of one that waits on a promise before it answers", async () => {
    const program = () => scheduled(main(), { quanta: 20 })
    const { outcome, journal } = await record(program(), { handlers: [waitingHttp] })
    expect(outcome.status).toBe("done")
    const again = await replay(program(), throughJson(journal))
    expect(summary(again)).toEqual(summary(outcome))
    const quick = await record(program(), { handlers: [slowHttp(0)] })
    const choices = (j: typeof journal) =>
      j.entries.filter((e) => e.type === "choice").map((e) => (e as { task: number }).task)
    expect(choices(journal)).toEqual(choices(quick.journal))
  })
})
