import type { Effect } from "../effect.js"
import { currentLookupEpoch, type PromptFrame } from "./frames.js"

/**
 * Finds the first prompt from `start` outwards whose handler would be offered `effect`.
 *
 * Scanning costs about 2 ns per handler skipped (bench/README.md), so each prompt caches the
 * answers for the last two effect classes looked up from it (a scheduled task alternates
 * its own effects with the scheduler's; with one entry both would miss every time). The answer depends only on the
 * prompts outward from `start`, which change only when a prompt is disabled or relinked;
 * both bump the epoch, which invalidates every cache at once.
 */
export function findHandler(
  start: PromptFrame | null,
  effect: Effect<unknown>,
): PromptFrame | null {
  if (start === null) return null
  const cls = effect.constructor
  const epoch = currentLookupEpoch()
  if (start.cacheEpoch === epoch) {
    if (start.cacheClass === cls) return start.cacheTarget
    if (start.cacheClass2 === cls) return start.cacheTarget2
    start.cacheClass2 = start.cacheClass
    start.cacheTarget2 = start.cacheTarget
  } else start.cacheClass2 = undefined
  let p: PromptFrame | null = start
  while (p !== null && (p.disabled || !p.handler.accepts(effect))) p = p.prompt
  start.cacheClass = cls
  start.cacheTarget = p
  start.cacheEpoch = epoch
  return p
}
