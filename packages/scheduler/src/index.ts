/**
 * @effvm/scheduler: tasks that run cooperatively inside one effvm machine, with structured
 * lifetimes, promises, semaphores, time, external JS promises, fairness, deadlock
 * detection, and spawn-chain enrichment of errors (SPEC §7).
 * @packageDocumentation
 */

export { StopError } from "@effvm/vm-core"
export { type Clock, realClock, VirtualClock } from "./clock.js"
export { type BlockedTask, SchedulerDeadlockError, TaskCancelledError } from "./errors.js"
export { type EveryOptions, every } from "./every.js"
export { awaitPromise } from "./external.js"
export type { Joinable, ResultOf } from "./inputs.js"
export type { SchedulerOptions } from "./options.js"
export { completePromise, createPromise, failPromise, type SchedulerPromise } from "./promise.js"
export { scheduled } from "./scheduled.js"
export { acquire, createSemaphore, release, type Semaphore } from "./semaphore.js"
export type { SiteLocation, SpawnSite } from "./site.js"
export { sleep } from "./sleep.js"
export type { SpawnOptions, Task, TaskStatus } from "./task.js"
export { cancel, gather, gatherSettled, race, type Settled, spawn, wait } from "./task-ops.js"
export { type TaskStats, taskStats } from "./task-stats.js"
export { type WatchdogBudget, WatchdogError } from "./watchdog.js"
