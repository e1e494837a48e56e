// An enrichment handler, a handler that fails, and the traceback that shows both: the
// handler verdicts under the frame that performed the query, the cause chain, and the
// context entry the enrichment handler added. Prints it and exits normally.
import {
  Effect,
  fn,
  formatTraceback,
  GetExecutionContext,
  getExecutionContext,
  handler,
  Pass,
  run,
  Transfer,
  withHandlers,
} from "@effvm/vm-core"

class Query extends Effect<string> {
  constructor(readonly sql: string) {
    super()
  }
}

/** Adds the request id to every error raised below it (an enrichment handler). */
const requestInfo = (id: string) =>
  handler(
    function* requestInfo(eff, k) {
      if (!(eff instanceof GetExecutionContext)) return yield* Pass()
      eff.context.add({ kind: "request", id })
      return yield* Transfer(k, eff.context)
    },
    { name: "requestInfo" },
  )

/** A database that is down: its handler throws at the perform site. */
const database = handler(
  (eff: Query) => {
    throw new Error(`connection refused while running ${JSON.stringify(eff.sql)}`)
  },
  { handles: [Query], name: "database" },
)

/** A cache that holds nothing: it passes every effect on. */
const cache = handler(
  function* cache() {
    return yield* Pass()
  },
  { name: "cache" },
)

const loadUser = fn(function* loadUser(id: number) {
  return yield* new Query(`select * from users where id = ${id}`)
})

const showProfile = fn(function* showProfile(id: number) {
  try {
    return yield* loadUser(id)
  } catch (error) {
    throw new Error(`cannot show the profile of user ${id}`, { cause: error })
  }
})

try {
  run(withHandlers([requestInfo("r-42"), database, cache], showProfile(7)))
} catch (error) {
  console.log(formatTraceback(error))
  console.log("\ncontext:", JSON.stringify(getExecutionContext(error)?.entries))
}
