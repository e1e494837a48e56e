// Fails on purpose (docs/errors.md, "Unhandled effects"): a scheduler effect performed
// without a scheduler. The message and the traceback agree on the handlers in scope, the
// effect reads as what it does, and the hint says to wrap the program in scheduled(...).
import { reader } from "@effvm/handlers"
import { sleep } from "@effvm/scheduler"
import { program, run, untracked } from "@effvm/vm-core"

const poll = program(function* poll() {
  yield* sleep(50)
  return "polled"
})

try {
  run(untracked(poll), { handlers: [reader({ region: "eu" })] })
} catch (error) {
  console.error(error)
  process.exit(1)
}
