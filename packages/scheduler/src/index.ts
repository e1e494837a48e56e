/**
 * @effvm/scheduler: tasks that run cooperatively inside one effvm machine, with structured
 * lifetimes, promises, semaphores, time, external JS promises, fairness, deadlock
 * detection, and spawn-chain enrichment of errors (docs/semantics.md §7).
 * @packageDocumentation
 */

/** The event types of a traced run (defined by vm-core, re-exported for convenience). */
export type { TraceEvent, TraceLevel } from "@effvm/vm-core"
export { StopError } from "@effvm/vm-core"
export { cancelScope, type ScopeBody, ScopeCancelledError } from "./cancel-scope.js"
export {
  Channel,
  ChannelClosedError,
  closeChannel,
  createChannel,
  type Received,
  receive,
  send,
} from "./channel.js"
export { type Clock, realClock, VirtualClock } from "./clock.js"
export { SchedulerEffect } from "./effect.js"
export { type BlockedTask, SchedulerDeadlockError, TaskCancelledError } from "./errors.js"
export { type EveryOptions, every } from "./every.js"
export { awaitPromise } from "./external.js"
export { gatherN } from "./gather-n.js"
export type { Joinable, JoinEffects, ResultOf } from "./inputs.js"
export { any } from "./join-any.js"
export type { SchedulerOptions } from "./options.js"
export type { PolicyOptions, SchedulingPolicy } from "./policy.js"
export { completePromise, createPromise, failPromise, type SchedulerPromise } from "./promise.js"
export { ReplayDivergenceError } from "./replay-error.js"
export {
  Backoff,
  type BackoffOptions,
  backoff,
  type RetryOptions,
  retry,
} from "./retry.js"
export { scheduled } from "./scheduled.js"
export type { ScopeResult } from "./scope-close.js"
export { acquire, createSemaphore, release, type Semaphore } from "./semaphore.js"
export type { SiteLocation, SpawnSite } from "./site.js"
export { sleep } from "./sleep.js"
export { CancelScope, type Task } from "./task.js"
export { cancel, gather, gatherSettled, race, type Settled, spawn, wait } from "./task-ops.js"
export type { SpawnOptions, TaskStatus } from "./task-state.js"
export { type TaskStats, taskStats } from "./task-stats.js"
export { now, sleepUntil } from "./time.js"
export { TimeoutError, timeout } from "./timeout.js"
export { type WatchdogBudget, WatchdogError } from "./watchdog.js"
