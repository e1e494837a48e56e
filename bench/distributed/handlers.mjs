// The distributed benchmark's outside handler (`effvm worker --handlers`): answers each
// Charge at once.
import { handler, Transfer } from "@effvm/vm-core"
import { Charge } from "./flows.mjs"

const charge = handler(
  function* charge(eff, k) {
    return yield* Transfer(k, eff.order * 10 + eff.task + eff.step)
  },
  { handles: [Charge] },
)

export default [charge]
