import { describeInput } from "./describe.js"

/**
 * How the scheduler chooses the next task among the ready ones (`scheduled(body, { policy
 * })`):
 * - `"fifo"` (the default): higher priority first, first in first out among equals.
 * - `{ random: seed }`: any ready task, uniformly, whatever its priority, from a PRNG seeded
 *   with `seed`: the same seed gives the same interleaving, other seeds explore others.
 * - `{ replay: log }`: the task ids of a recorded choice log, one per decision; a log that
 *   no longer fits fails the run with `ReplayDivergenceError`. `{ replay: log, random: seed }`
 *   also repeats the retry jitter the seeded run drew (its delays decide which task is ready).
 *
 * @example
 * ```ts
 * run(scheduled(main, { policy: { random: 42 }, onChoices: (log) => saved.push(...log) }))
 * run(scheduled(main, { policy: { replay: saved } })) // the same interleaving, step for step
 * ```
 */
export type SchedulingPolicy =
  | "fifo"
  | { readonly random: number }
  | { readonly replay: readonly number[]; readonly random?: number }

/**
 * The options of `scheduled` about choosing tasks.
 *
 * @example
 * ```ts
 * let log: readonly number[] = []
 * run(scheduled(main, { policy: { random: 7 }, onChoices: (choices) => { log = choices } }))
 * ```
 */
export interface PolicyOptions {
  /** How the next ready task is chosen (default `"fifo"`). */
  readonly policy?: SchedulingPolicy
  /**
   * Receives the run's choice log once, when the scheduler ends: the id of the task chosen
   * at each scheduling decision, in order (decisions with one ready task included).
   */
  readonly onChoices?: (log: readonly number[]) => void
}

/** Throws a TypeError naming a bad `policy` or `onChoices`. */
export function checkPolicyOptions(options: PolicyOptions): void {
  const { policy, onChoices } = options
  if (onChoices !== undefined && typeof onChoices !== "function") {
    throw new TypeError(
      `scheduled(body, { onChoices }): onChoices must be a function (log) => void, got ${describeInput(onChoices)}`,
    )
  }
  if (policy === undefined || policy === "fifo") return
  if (typeof policy === "object" && policy !== null) {
    if ("random" in policy && !("replay" in policy)) {
      if (!Number.isSafeInteger(policy.random)) {
        throw new TypeError(
          `scheduled(body, { policy: { random } }): the seed must be an integer, got ${describeInput(policy.random)}`,
        )
      }
      return
    }
    if ("replay" in policy) {
      const log = policy.replay
      if (!Array.isArray(log) || !log.every((id) => Number.isSafeInteger(id))) {
        throw new TypeError(
          `scheduled(body, { policy: { replay } }): the log must be an array of task ids (as onChoices recorded it), got ${describeInput(log)}`,
        )
      }
      if ("random" in policy && !Number.isSafeInteger(policy.random)) {
        throw new TypeError(
          `scheduled(body, { policy: { replay, random } }): the seed must be an integer, got ${describeInput(policy.random)}`,
        )
      }
      return
    }
  }
  throw new TypeError(
    `scheduled(body, { policy }): policy must be "fifo", { random: seed } or { replay: log }, got ${describeInput(policy)}`,
  )
}

/**
 * A small seeded PRNG (mulberry32): 32 bits of state, uniform floats in [0, 1). Enough to
 * explore interleavings reproducibly; not for cryptography.
 */
export function seededRandom(seed: number): () => number {
  let state = (seed ^ 0x6d2b79f5) >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The run's source of random numbers for the programs it runs (retry jitter): seeded by
 * the policy's seed (`{ random: seed }`, or a replay given its seed), so the same seed draws
 * the same numbers; a separate stream from the task choices. Otherwise `Math.random`.
 */
export function randomSourceFor(options: PolicyOptions | undefined): () => number {
  const policy = options?.policy
  if (typeof policy === "object" && policy !== null && "random" in policy) {
    const seed = policy.random
    if (seed !== undefined) return seededRandom(seed ^ 0x5bd1e995)
  }
  return Math.random
}
