// effvm and Effect-TS / fp-ts in one codebase (docs/interop.md), both ways:
//   1. an effvm program calls Effect code (fromEffect) and fp-ts code (fromEither,
//      fromTaskEither, attemptEither);
//   2. Effect code runs an effvm program (toEffect), times it out, and the program's
//      finally block runs before the timeout completes.
// Run after `pnpm build`: node examples/dist/interop/effect-bridge.js
import assert from "node:assert/strict"
import { ask, reader } from "@effvm/handlers"
import {
  attemptEither,
  EffectFailure,
  fromEffect,
  fromEither,
  fromTaskEither,
  toEffect,
} from "@effvm/interop"
import { awaitPromise, gather, scheduled, sleep, spawn, VirtualClock, wait } from "@effvm/scheduler"
import { fn, program, runAsync } from "@effvm/vm-core"
import { Data, Effect } from "effect"
import * as E from "fp-ts/lib/Either.js"
import * as TE from "fp-ts/lib/TaskEither.js"

// ── Effect-TS code the team already has ─────────────────────────────────────────────────
class UserNotFound extends Data.TaggedError("UserNotFound")<{ readonly id: number }> {}

const users = new Map([
  [1, "ada"],
  [2, "grace"],
])
const fetchUser = (id: number) =>
  Effect.promise(() => Promise.resolve(users.get(id))).pipe(
    Effect.flatMap((name) =>
      name === undefined ? Effect.fail(new UserNotFound({ id })) : Effect.succeed(name),
    ),
  )

// ── fp-ts code the team already has ─────────────────────────────────────────────────────
const parseId = (text: string): E.Either<string, number> =>
  /^\d+$/.test(text) ? E.right(Number(text)) : E.left(`not an id: ${text}`)
const loadQuota = (name: string): TE.TaskEither<string, number> => TE.right(name.length * 10)

// ── 1. An effvm program that uses both ──────────────────────────────────────────────────
const describeUser = fn(function* describeUser(idText: string) {
  const id = yield* fromEither(parseId(idText))
  const name = yield* fromEffect(fetchUser(id))
  const quota = yield* fromTaskEither(loadQuota(name))
  return `${yield* ask<string>("greeting")} ${name}, quota ${quota}`
})

const dashboard = program(function* dashboard() {
  const tasks = [yield* spawn(describeUser("1")), yield* spawn(describeUser("2"))]
  const lines = yield* gather(...tasks)
  // Failures come back as values for fp-ts callers: a Left for a bad id...
  const badId = yield* attemptEither(describeUser("x"))
  // ...and an EffectFailure (Effect's Cause inside) for a failing Effect.
  const missing = yield* attemptEither(describeUser("3"))
  return { lines, badId, missing }
})

const handlers = [reader({ greeting: "hello" })]
const result = await runAsync(scheduled(dashboard), { handlers })
assert.deepEqual(result.lines, ["hello ada, quota 30", "hello grace, quota 50"])
assert.deepEqual(result.badId, E.left("not an id: x"))
assert.ok(E.isLeft(result.missing) && result.missing.left instanceof EffectFailure)
const notFound = (result.missing.left as EffectFailure).failure
assert.ok(notFound instanceof UserNotFound && notFound.id === 3)
console.log(result.lines.join("\n"))
if (E.isLeft(result.badId)) console.log(`bad id -> Left(${JSON.stringify(result.badId.left)})`)
console.log(`user 3 -> Left(EffectFailure), its failure: ${notFound._tag} { id: ${notFound.id} }`)

// ── 2. Effect code that runs an effvm program ───────────────────────────────────────────
const cleanups: string[] = []
const slowReport = program(function* slowReport() {
  const worker = yield* spawn(
    program(function* reportWorker() {
      try {
        yield* awaitPromise(new Promise(() => {})) // a request that never answers
      } finally {
        yield* sleep(5) // asynchronous cleanup still runs
        cleanups.push("worker closed its connection")
      }
    }),
  )
  return yield* wait(worker)
})

const timedOut = await Effect.runPromise(
  Effect.timeoutOption(toEffect(slowReport, { scheduler: { clock: new VirtualClock() } }), 20),
)
assert.equal(timedOut._tag, "None")
assert.deepEqual(cleanups, ["worker closed its connection"])
console.log(`timed out; cleanup done first: ${cleanups.join(", ")}`)

// A round trip gives back e's own failure: toEffect(fromEffect(e)) fails like e, with the
// same UserNotFound instance (programs are untyped, so the error type is `unknown`).
const roundTrip = await Effect.runPromise(
  toEffect(fromEffect(fetchUser(9))).pipe(
    Effect.catch((e) =>
      e instanceof UserNotFound ? Effect.succeed(`no user ${e.id}`) : Effect.fail(e),
    ),
  ),
)
assert.equal(roundTrip, "no user 9")
console.log(`round trip: ${roundTrip}`)
