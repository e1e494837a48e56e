// Finding a race with a seed sweep, then replaying it step for step.
//
// Two tasks deposit into one account with a read-modify-write across a `sleep(0)` (think:
// an await between reading a row and writing it back). The default FIFO scheduler happens
// to run them one after the other, so the bug hides. Random scheduling policies explore
// other interleavings; the first seed that loses a deposit gives a choice log, and
// replaying that log reproduces the failure exactly, with an event trace to read.
// Run after `pnpm build`:
//   node examples/dist/determinism/lost-update.js
import { pathToFileURL } from "node:url"
import {
  gather,
  type SchedulingPolicy,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
} from "@effvm/scheduler"
import { fn, program, run, type TraceEvent } from "@effvm/vm-core"

interface Account {
  balance: number
}

/** The buggy deposit: reads, waits, writes back what it read plus the amount. */
const deposit = fn(function* deposit(account: Account, amount: number, paperwork: number) {
  for (let i = 0; i < paperwork; i++) yield* sleep(0) // other work first
  const seen = account.balance
  yield* sleep(0) // the window: another task may write meanwhile
  account.balance = seen + amount
})

const bank = program(function* bank() {
  const account: Account = { balance: 100 }
  const salary = yield* spawn(deposit(account, 50, 0), { name: "salary" })
  const refund = yield* spawn(deposit(account, 20, 3), { name: "refund" })
  yield* gather(salary, refund)
  return account.balance // 170 unless a deposit was lost
})

interface Outcome {
  readonly balance: number
  readonly choices: readonly number[]
  readonly events: readonly TraceEvent[]
}

/** Runs the bank once under `policy`, recording the choices and the task events. */
function runBank(policy: SchedulingPolicy): Outcome {
  let choices: readonly number[] = []
  const events: TraceEvent[] = []
  const balance = run(
    scheduled(bank, {
      clock: new VirtualClock(),
      policy,
      onChoices: (log) => {
        choices = log
      },
    }),
    { trace: "min", onEvent: (event) => events.push(event) },
  )
  return { balance, choices, events }
}

/** Sweeps seeds until one loses a deposit; then replays its log. Returns the report lines. */
export function findAndReplay(maxSeeds = 200): string[] {
  const lines: string[] = []
  lines.push(`fifo: balance ${runBank("fifo").balance} (expected 170)`)
  let seed = 0
  let failing: Outcome | null = null
  for (; seed < maxSeeds; seed++) {
    const outcome = runBank({ random: seed })
    if (outcome.balance !== 170) {
      failing = outcome
      break
    }
  }
  if (failing === null) throw new Error(`no seed below ${maxSeeds} loses a deposit`)
  lines.push(`seed ${seed}: balance ${failing.balance}: a deposit was lost`)
  lines.push(`choice log: [${failing.choices.join(", ")}]`)

  const replayed = runBank({ replay: failing.choices })
  const same = JSON.stringify(replayed.events) === JSON.stringify(failing.events)
  lines.push(`replay: balance ${replayed.balance}, same event trace: ${same}`)
  if (replayed.balance !== failing.balance || !same)
    throw new Error("the replay did not reproduce the run")
  lines.push("task events of the replay (step, task, event):")
  for (const event of replayed.events) {
    lines.push(
      `  ${String(event.step).padStart(4)}  task ${event.taskId}  ${event.kind} ${event.name ?? ""}`,
    )
  }
  return lines
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const line of findAndReplay()) console.log(line)
}
