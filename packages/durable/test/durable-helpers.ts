// Programs and stores shared by the durable tests.

import { gather, scheduled, sleep, spawn, VirtualClock } from "@effvm/scheduler"
import { awaitExternal, Effect, fn, handler, type Program, program, Transfer } from "@effvm/vm-core"
import { effectKey } from "../src/durable.js"
import type { RunClaim, Store, StoredJson } from "../src/store/store.js"

/** An effect that leaves the run: its outside handler does the work and answers. */
export class Work extends Effect<number> {
  constructor(
    readonly task: number,
    readonly step: number,
  ) {
    super()
  }
}

export const worker = fn(function* worker(task: number, steps: number) {
  let acc = 0
  for (let i = 0; i < steps; i++) {
    acc = (acc * 31 + (yield* new Work(task, i))) % 1_000_003
    if (i % 3 === 2) yield* sleep(10)
  }
  return acc
})

/** `tasks` workers of `steps` effects each, gathered; on a virtual clock unless told. */
export function workers(
  tasks: number,
  steps: number,
  clock = new VirtualClock(),
): Program<number[]> {
  return scheduled(
    program(function* workers() {
      const spawned = []
      for (let t = 0; t < tasks; t++)
        spawned.push(yield* spawn(worker(t, steps), { name: `worker ${t}` }))
      return yield* gather(...spawned)
    }),
    { clock },
  )
}

/** What Work(task, step) answers. */
export const answerOf = (task: number, step: number) => task * 1000 + step

/** One call of the Work handler. */
export interface Call {
  readonly key: string
  readonly task: number
  readonly step: number
}

/** An outside handler for Work that logs each call with its effectKey. */
export function workHandler(log: Call[], delayMs = 0) {
  return handler(
    function* work(eff: Work, k) {
      log.push({ key: effectKey(eff), task: eff.task, step: eff.step })
      if (delayMs > 0) yield* awaitExternal(new Promise((r) => setTimeout(r, delayMs)))
      return yield* Transfer(k, answerOf(eff.task, eff.step))
    },
    { handles: [Work] },
  )
}

/** A store whose writes fail once `limit` entries are stored: a crash, as the store sees it. */
export function failingAfter(store: Store, limit: number): Store {
  return {
    kind: store.kind,
    load: (id) => store.load(id),
    async claim(id, meta) {
      const claim = await store.claim(id, meta)
      const wrapped: RunClaim = {
        id: claim.id,
        run: claim.run,
        append(position: number, entries: readonly StoredJson[]) {
          const room = Math.max(0, limit - position)
          if (room < entries.length) {
            if (room > 0) claim.append(position, entries.slice(0, room))
            throw new Error("the store went away")
          }
          return claim.append(position, entries)
        },
        finish: (outcome) => claim.finish(outcome),
        release: () => claim.release(),
      }
      return wrapped
    },
    close: () => store.close(),
  }
}
