// Fails on purpose (docs/errors.md, "Handler frames"): a handler resumes its continuation
// twice. The ContinuationError's traceback shows the handler's frame, where the mistake is.
import { Effect, handler, program, Resume, run, withHandler } from "@effvm/vm-core"

class NextId extends Effect<number> {}

const ids = handler(function* ids(_effect, k) {
  yield* Resume(k, 1)
  yield* Resume(k, 2)
})

const register = program(function* register() {
  return yield* new NextId()
})

try {
  run(withHandler(ids, register))
} catch (error) {
  console.error(error)
  process.exit(1)
}
