// Fails on purpose (docs/errors.md, "Thrown values"): a program throws a plain object. The
// traceback shows it by content, at the frame that threw it.
import { fn, formatTraceback, program, run } from "@effvm/vm-core"

const charge = fn(function* charge(cents: number) {
  if (cents > 10_000) throw { code: 42, reason: "limit exceeded", cents }
  return cents
})

const checkout = program(function* checkout() {
  return yield* charge(25_000)
})

try {
  run(checkout)
} catch (error) {
  console.error(formatTraceback(error)) // a thrown value that is not an Error has no stack to print
  process.exit(1)
}
