// Typed effects: the compiler knows what a program performs and which handlers answer it.
// Run after `pnpm build`: node examples/dist/handlers/typed-effects.js
// (docs/typed-effects.md; the commented-out lines do not compile, by design)
import { ask, reader, state } from "@effvm/handlers"
import { gather, scheduled, sleep, VirtualClock } from "@effvm/scheduler"
import {
  type Continuation,
  Effect,
  fn,
  handler,
  type ProgramGenerator,
  program,
  Resume,
  run,
  Transfer,
  UnhandledEffectError,
  untracked,
  withHandler,
} from "@effvm/vm-core"

// An effect class with its own identity (one line, no runtime cost).
class Roll extends Effect<number> {
  declare protected readonly effectIdentity: unknown
}

// E is inferred: Program<string, Roll | Ask<string>>
const turn = fn(function* turn(player: string) {
  const name = yield* ask<string>(player)
  return `${name} rolled ${yield* new Roll()}`
})

// Recursion states its return type, effects included.
const rollUntilSix = fn(function* rollUntilSixStep(tries: number): ProgramGenerator<number, Roll> {
  if ((yield* new Roll()) === 6) return tries
  return yield* rollUntilSix(tries + 1)
})

// A handler typed by what it answers: eff is Roll, k takes a number.
let seed = 3
const dice = handler((_eff, k) => Transfer(k, (seed++ % 6) + 1), { handles: [Roll] })

// Post-processing the body's result: annotate k with the body's type.
const doubled = handler(
  function* doubled(_eff, k: Continuation<number, number>) {
    return 2 * (yield* Resume(k, 6))
  },
  { handles: [Roll] },
)

const game = program(function* game() {
  yield* sleep(1)
  return yield* gather(turn("p1"), turn("p2"))
}) // Program<[string, string], SchedulerEffect<…> | Ask<string> | Roll>

console.log(
  run(scheduled(game, { clock: new VirtualClock() }), {
    handlers: [reader({ p1: "ada", p2: "alan" }), dice],
  }),
)
console.log("six after", run(withHandler(dice, rollUntilSix(1))), "rolls")
console.log("doubled:", run(withHandler(doubled, rollUntilSix(1))))

// run(scheduled(game))                     // error: "unhandled effects": Ask<string> | Roll
// run(game, { handlers: [dice, reader({})] }) // error: SchedulerEffect<…> left
// handler((_e, k) => Transfer(k, "six"), { handles: [Roll] }) // error: Roll answers a number
// run(withHandler(state(), turn("p1")))    // error: state answers Get/Put/Modify, not Ask or Roll

// The escape hatch: untracked() compiles, and the runtime error says what is missing.
try {
  run(untracked(withHandler(state(), turn("p1"))))
} catch (error) {
  console.log(
    "untracked:",
    error instanceof UnhandledEffectError ? error.message.split(" in ")[0] : error,
  )
}
