// Reader, local, keyed state and attempt together: configuration comes from a reader,
// a request overrides part of it with local, a counter lives in state, and a failing
// step is turned into a value by attempt. Run after `pnpm build`:
//   node examples/dist/handlers/state-and-reader.js
import {
  ask,
  attempt,
  get,
  local,
  MissingKeyError,
  modify,
  put,
  reader,
  state,
} from "@effvm/handlers"
import { fn, program, run, withHandlers } from "@effvm/vm-core"

// A request handler: reads the configuration, counts requests in state.
const handleRequest = fn(function* handleRequest(path: string) {
  const user = yield* ask<string>("user")
  const served = yield* modify<number>("served", (n) => n + 1)
  if (path === "/admin" && user !== "admin") throw new Error(`${user} may not open ${path}`)
  return `#${served} ${user} ${path}`
})

const main = program(function* main() {
  const lines: string[] = []

  // 1. reader: answers from the environment.
  lines.push(yield* handleRequest("/home"))

  // 2. local: overrides "user" for this request only; "site" still comes from the reader.
  lines.push(yield* local({ user: "admin" }, handleRequest("/admin")))
  lines.push(`after local, user is ${yield* ask<string>("user")} on ${yield* ask<string>("site")}`)

  // 3. attempt: a failure becomes a value. The write made before the failure stays
  //    (no rollback): "served" counts the failed request too.
  yield* put("lastPath", "/admin")
  const denied = yield* attempt(handleRequest("/admin"))
  lines.push(denied.ok ? denied.value : `failed: ${(denied.error as Error).message}`)
  lines.push(`served so far: ${yield* get<number>("served")}`)

  // 4. A missing key is a clear error, not undefined.
  const missing = yield* attempt(
    program(function* askDb() {
      return yield* ask("db")
    }),
  )
  if (!missing.ok && missing.error instanceof MissingKeyError)
    lines.push(`missing key: ${missing.error.key}`)
  return lines
})

// The state handler's store belongs to this handler value: read it after the run.
const counters = state({ served: 0 })
const lines = run(withHandlers([reader({ user: "ada", site: "example.org" }), counters], main))
for (const line of lines) console.log(line)
console.log("store after the run:", counters.snapshot())
console.log('counters.store.get("served") =', counters.store.get("served"))
