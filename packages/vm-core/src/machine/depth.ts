import type { Frame } from "./frames.js"
import type { Machine } from "./state.js"

/**
 * `maxDepth` without a depth on every frame (W3 is allocation-bound: a field per frame
 * costs 10-20% there). The stack can grow by at most about one frame per step, so it only
 * needs measuring when the headroom left at the last measure could be used up: at most
 * every `INTERVAL` steps, and at every call once close to the limit. A measure walks from
 * the caller down to the frame measured last (when it is still below) or to the bottom.
 */
const INTERVAL = 1024

/** Measures the depth of `parent` (the caller); true when a call on it would go too deep. */
export function overDepth(vm: Machine, parent: Frame): boolean {
  const mark = vm.depthMark
  let hops = 0
  let f: Frame | null = parent
  while (f !== null && f !== mark) {
    hops++
    f = f.parent
  }
  const depth = f === null ? hops : hops + vm.depthMarkValue
  vm.depthMark = parent
  vm.depthMarkValue = depth
  const headroom = vm.maxDepth - depth
  if (headroom <= 0) return true
  vm.depthCheckAt = vm.steps + Math.min(INTERVAL, headroom)
  return false
}
