import { describeValue } from "../effect.js"
import { RecursionError } from "../errors/recursion.js"
import { PROGRAM_PURE, PROGRAM_WITH_HANDLER, type Program } from "../program.js"
import { preemptBefore } from "./builtin-effects.js"
import { overDepth } from "./depth.js"
import { completeWith } from "./end.js"
import {
  FRAME_PREEMPT,
  FRAME_PROGRAM,
  Frame,
  isGenerator,
  keptArgs,
  PromptFrame,
  promptOf,
} from "./frames.js"
import { MODE_DELIVER, MODE_DISPATCH_ERROR } from "./modes.js"
import type { Machine } from "./state.js"
import { throwAt } from "./transitions.js"

/** A frame yielded a program: it runs on top of that frame (or installs a handler). */

/**
 * Starts program `prog` on top of the current frame. Step budgets (fairness, stop,
 * watchdog) are checked here too, so a loop of sub-program calls that performs nothing is
 * still preempted (one comparison while no budget is spent); so is `maxDepth`.
 */
export function pushProgram(vm: Machine, prog: Program<unknown>): void {
  const parent = vm.top
  if (vm.steps >= vm.preemptAt && parent !== null && budgetCheckable(vm, parent)) {
    preemptBefore(vm, parent, prog)
    return
  }
  if (vm.steps >= vm.depthCheckAt && parent !== null && overDepth(vm, parent)) {
    tooDeep(vm, parent, prog)
    return
  }
  if (prog.kind === PROGRAM_WITH_HANDLER) {
    vm.top = new PromptFrame(prog.handler!, parent, promptOf(parent))
    vm.value = prog.inner
    return // mode stays HandleYield: the next step starts the body under the new prompt
  }
  if (prog.kind === PROGRAM_PURE) {
    completeWith(vm, parent, prog.body)
    return
  }
  let gen: Generator<unknown, unknown, unknown>
  try {
    gen = prog.start()
  } catch (error) {
    // Construction is user code: its errors are dispatched like a frame's (docs/semantics.md §5).
    vm.failedFrame = new Frame(
      FRAME_PROGRAM,
      null,
      parent,
      promptOf(parent),
      prog.def,
      keptArgs(prog.args),
    )
    vm.mode = MODE_DISPATCH_ERROR
    vm.value = error
    return
  }
  if (!isGenerator(gen)) {
    throwAt(
      vm,
      parent,
      new TypeError(
        `Program ${prog.name} did not start a generator: its body returned ${describeValue(gen)}. fn() and program() take generator functions (function* ...).`,
      ),
    )
    return
  }
  vm.top = new Frame(FRAME_PROGRAM, gen, parent, promptOf(parent), prog.def, keptArgs(prog.args))
  vm.mode = MODE_DELIVER
  vm.value = undefined
}

/** Whether a preemption may stand before what `f` does next (not its own stand-in's). */
function budgetCheckable(vm: Machine, f: Frame): boolean {
  return f.kind !== FRAME_PREEMPT && !vm.inErrorDispatch
}

/** `prog` would stand deeper than `maxDepth`: RecursionError where it was called. */
function tooDeep(vm: Machine, parent: Frame, prog: Program<unknown>): void {
  const site = prog.def?.site
  const where = site ? `${prog.name} (${site})` : prog.name
  throwAt(vm, parent, new RecursionError(vm.depthMarkValue + 1, vm.maxDepth, where))
}
