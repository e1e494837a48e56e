import { Effect, formatTraceback, handler, type RunOutcome, Transfer } from "@effvm/vm-core"
import type { Journal } from "../src/index.js"

/** An effect the outside answers: a call to a remote service. */
export class Fetch extends Effect<string> {
  constructor(readonly url: string) {
    super()
  }
}

/** Another outside effect, for divergence cases. */
export class Store extends Effect<number> {
  constructor(
    readonly key: string,
    readonly value: number,
  ) {
    super()
  }
}

/** An outside handler counting its calls: `fails` URLs throw. */
export function httpHandler(fails: readonly string[] = []) {
  const calls: string[] = []
  const http = handler(
    (eff: Fetch, k) => {
      calls.push(eff.url)
      if (fails.includes(eff.url)) throw new Error(`503 from ${eff.url}`)
      return Transfer(k, `body of ${eff.url}`)
    },
    { handles: [Fetch], name: "http" },
  )
  return { http, calls }
}

/** An outside handler answering Store with a running total. */
export function storeHandler() {
  let total = 0
  const calls: string[] = []
  const db = handler(
    (eff: Store, k) => {
      calls.push(eff.key)
      total += eff.value
      return Transfer(k, total)
    },
    { handles: [Store], name: "db" },
  )
  return { db, calls }
}

/** The journal as it would come back from a file. */
export function throughJson(journal: Journal): Journal {
  return JSON.parse(JSON.stringify(journal)) as Journal
}

/** What a user compares between two outcomes: status, value, or error name, message and traceback. */
export function summary(outcome: RunOutcome<unknown>): unknown {
  if (outcome.status === "done") return { status: "done", value: outcome.value }
  if (outcome.status === "stopped") return { status: "stopped" }
  const error = outcome.error as Error
  return {
    status: "failed",
    name: error?.name,
    message: error?.message,
    traceback: formatTraceback(error),
    taskId: outcome.taskId,
    taskName: outcome.taskName,
  }
}
