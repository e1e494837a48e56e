import {
  AwaitExternal,
  type Continuation,
  Control,
  type Effect,
  GetExecutionContext,
  type HandlerDef,
  handler,
  Interrupt,
  Pass,
  type Program,
  StopError,
  Transfer,
} from "@effvm/vm-core"
import {
  addSuppressed,
  armPreemption,
  currentTask,
  enterTask,
  forkTaskLocals,
  handlersBetween,
  journalOf,
  noteEscape,
  Preempt,
  regionClosing,
  releaseEnded,
  spawnContinuation,
  spawnTaskContinuation,
  stopRequestedBy,
  type TaskLocalsHolder,
  takeMachineStop,
  WaitSignal,
} from "@effvm/vm-core/internal"
import { answerAbandoned, type HeldTask, type HeldTaskCloser } from "./abandon.js"
import { cannotWaitError, deadlockError, describeBlocked } from "./blocked.js"
import { type ReadyTasks, readyQueueFor, reportChoices, startRecording } from "./choice-queue.js"
import { type Clock, realClock } from "./clock.js"
import { SchedulerEffect } from "./effect.js"
import { enrichWithBoundaries, takeIncoming } from "./enrichment.js"
import { cancellationOf, SchedulerDeadlockError, TaskCancelledError } from "./errors.js"
import { ExternalWaits } from "./external.js"
import {
  ParkOn,
  RunControl,
  type RunControlEffect,
  schedulerIdle,
  TaskMain,
} from "./internal-effects.js"
import { type JournaledClock, JournaledReady, journaledClock } from "./journaled.js"
import * as lifecycle from "./lifecycle.js"
import { DEFAULT_QUANTA, MIN_QUANTA, type SchedulerOptions } from "./options.js"
import { advance, type Phase } from "./phase.js"
import { type PolicyOptions, randomSourceFor } from "./policy.js"
import type { SchedulerPort } from "./port.js"
import { TimerQueue } from "./queues.js"
import { ROUND_LIMIT, Rounds } from "./rounds.js"
import { waitSignal } from "./signal-wait.js"
import type { SpawnSite } from "./site.js"
import {
  endHeldStop,
  initTaskControl,
  releaseStop,
  roundLimitStop,
  stopHeldFor,
  stopSeenAtEnd,
  stopTasks,
} from "./stopping.js"
import { Task } from "./task.js"
import {
  controlFor,
  hasBodyEnded,
  RESUME_ENRICH,
  RESUME_VALUE,
  type ResumeMode,
  S_BLOCKED,
  S_ENDING,
  S_READY,
  S_RUNNING,
  type SpawnOptions,
} from "./task-state.js"
import { startTaskTrace, type TaskTrace } from "./trace-events.js"
import type { Blocker, Waitable } from "./wait-types.js"
import { WakeSignal } from "./wake.js"
import type { WatchdogError } from "./watchdog.js"

/** After a fault, how often blocked cleanup gets the fault's error before it is abandoned. */
const MAX_FAULT_ROUNDS = 100

/**
 * Whether `error`, escaping a task, ends the whole run: an `Interrupt` that is no
 * cancellation (`TaskCancelledError`) and no stop of this run (a `StopError` the machine
 * was asked for).
 */
function escapesRun(error: unknown, k: Continuation<unknown> | null): boolean {
  if (!(error instanceof Interrupt) || error instanceof TaskCancelledError) return false
  if (error instanceof StopError) return k === null || stopRequestedBy(k) !== error
  return true
}

/** What the scheduler hands to `scheduled` when the run ends (the value of its `withHandler`). */
export class SchedulerExit {
  constructor(
    readonly ok: boolean,
    readonly value: unknown,
  ) {}
}

/** What `scheduled` gets when the region ends: the run's exit, or a failing `onChoices`. */
export interface Abandoned {
  /** The tasks whose continuation the scheduler still held, to close (abandon.ts). */
  readonly held: HeldTask[]
  readonly failure: { readonly error: unknown } | null
}

/**
 * One scheduler run: its tasks, queues and clock, and the handler that answers the task
 * effects. The handler never loops around the machine: it switches tasks by transferring
 * to the continuation of the next one, and it parks the machine by transferring to an idle
 * continuation that waits outside the scheduler. Effects see it through `SchedulerPort`;
 * a task's life after its start is lifecycle.ts.
 */
export class Scheduler implements SchedulerPort, lifecycle.TaskRun, HeldTaskCloser {
  readonly handler: HandlerDef
  /** Replaced once, at the root's start, by the journal's reading of it (journaled.ts). */
  clock: Clock
  readonly quanta: number
  /** Random numbers for the programs it runs (retry jitter), seeded under `{ random: seed }`. */
  readonly random: () => number
  readonly onDaemonError: ((error: unknown, task: Task<unknown>) => void) | undefined
  /** Ready tasks, chosen by the policy (a plain priority FIFO by default). */
  ready: ReadyTasks
  readonly timers = new TimerQueue<Task<unknown>>()
  /** Every unfinished task, in id order. */
  readonly live = new Set<Task<unknown>>()
  readonly root: Task<unknown>
  /** The task the machine runs now; `null` while switching or idle. */
  current: Task<unknown> | null
  readonly #wake = new WakeSignal()
  /** Tasks waiting on JS promises, and their settlements. */
  readonly external = new ExternalWaits(this.#wake)
  nextPromiseId = 1
  nextSemaphoreId = 1
  #nextTaskId = 1
  /** What the run is doing now (phase.ts); the fields below are the data of its phases. */
  phase: Phase = "running"
  /** The stop delivered to every task (from the "stopping" phase on). */
  #stop: StopError | null = null
  /** Tasks the stop waits for: running, or in cleanup (stopping.ts). */
  stopHeld: Task<unknown>[] | null = null
  /** The fault the run fails with (from the "faulted" phase on). */
  #fault: { readonly error: unknown } | null = null
  /** In the "faulted" phase: how often cleanup that blocked again got the fault thrown in. */
  #faultRounds = 0
  /** What `scheduled` gets, once the phase is "ended". */
  #exit: SchedulerExit | null = null
  /** The idle continuation, while it waits in `Idle` (or before its first start). */
  #idleK: Continuation<unknown> | null = null
  /** Any continuation of this run, to reach the machine (preemption). */
  #machineK: Continuation<unknown> | null = null
  readonly #policy: PolicyOptions | undefined
  /** Task events of a traced run; null when the run is not traced. */
  trace: TaskTrace | null = null
  /** Scheduling in rounds (`maxRounds`), until the limit stops the run. */
  rounds: Rounds | null
  /** The task slot outside this scheduler, restored when it ends (task-local state). */
  #outerTask: TaskLocalsHolder | null = null

  constructor(rootName: string, options: SchedulerOptions | undefined) {
    this.clock = options?.clock ?? realClock
    const quanta = options?.quanta ?? DEFAULT_QUANTA
    this.quanta = !Number.isFinite(quanta) || quanta <= 0 ? 0 : Math.max(MIN_QUANTA, quanta)
    this.onDaemonError = options?.onDaemonError
    this.#policy = options
    this.random = randomSourceFor(options)
    this.ready = readyQueueFor(options, (error) => this.#raiseFault(error))
    this.rounds = options?.maxRounds === undefined ? null : new Rounds(options.maxRounds)
    this.handler = handler(
      (effect: Effect<unknown>, k: Continuation<unknown>) => this.handle(effect, k),
      {
        name: "scheduler",
        handles: [SchedulerEffect, GetExecutionContext, Preempt, AwaitExternal, WaitSignal],
      },
    )
    this.root = new Task(this, this.#nextTaskId++, rootName, 0, false, null, null)
    this.root.state = S_RUNNING
    this.current = this.root
    this.live.add(this.root)
  }

  /** The handler function: every effect the scheduler declares comes here. */
  handle(effect: Effect<unknown>, k: Continuation<unknown>): unknown {
    // Cleanup of a region being closed from outside: no task can be switched to (abandon.ts).
    if (regionClosing(k)) return answerAbandoned(effect, this.current, k)
    const running = this.current
    if (this.stopHeld !== null && running !== null) releaseStop(this, running, k)
    if (running !== null && running.watchdog !== null) {
      const fault = this.#watchdogCheck(running, effect, k)
      if (fault !== null) return fault
    }
    if (effect instanceof SchedulerEffect) {
      if (effect instanceof RunControl) return this.#control(effect as RunControlEffect, k)
      // Every other scheduler effect is performed by a task, the one running.
      const task = running!
      if (task.pending !== null && effect.suspends) return this.throwPending(task, k)
      return effect.apply(this, k, task)
    }
    if (effect instanceof GetExecutionContext) return this.#enrich(effect, k)
    if (effect instanceof Preempt) return this.#preempt(k)
    if (effect instanceof ParkOn && effect.owner === this) return Pass()
    if (effect instanceof AwaitExternal) return this.#awaitExternal(effect.promise, k)
    if (effect instanceof WaitSignal) return waitSignal(this, running!, effect, k)
    return Pass()
  }

  /** The effects of the scheduler's own machinery (internal-effects.ts). */
  #control(effect: RunControlEffect, k: Continuation<unknown>): unknown {
    switch (effect.kind) {
      case "root-start":
        return this.#rootStarted(k)
      case "task-ended": {
        const next = this.#taskEnded(effect.ok, effect.value, effect.late)
        // Switching to another task: this perform is never resumed and closes nothing, so
        // the machine need not hold it (and the ended task's frames) until the run ends.
        if (next instanceof Control && next.k !== null && next.k !== k) releaseEnded(k)
        return next
      }
      case "idle":
        return this.#idle(k)
      case "park-failed":
        return this.#parkFailed(effect.error, k)
    }
  }

  // ── tasks ────────────────────────────────────────────────────────────────────────────

  spawnTask(
    parent: Task<unknown>,
    body: Program<unknown>,
    options: SpawnOptions | undefined,
    site: SpawnSite,
    k: Continuation<unknown>,
  ): Task<unknown> {
    site.noteCaller(k.top)
    const task = new Task(
      this,
      this.#nextTaskId++,
      options?.name ?? body.name,
      options?.priority ?? 0,
      options?.daemon === true,
      parent,
      site,
    )
    initTaskControl(task, parent, options)
    this.live.add(task)
    if (this.trace !== null) this.trace.spawned(task)
    // The root's children are not tracked: when it ends every live task is cancelled.
    if (!task.daemon && parent !== this.root) {
      if (parent.children === null) parent.children = new Set()
      parent.children.add(task)
    }
    if (this.#refusesTasks()) {
      // The run is ending: a task spawned by cleanup code never starts.
      this.cancelTask(task)
      return task
    }
    task.k = spawnTaskContinuation(k, new TaskMain(body, handlersBetween(k)))
    this.ready.push(task)
    if (parent.scope !== null) parent.scope.adopt(task)
    return task
  }

  /** Whether a task spawned now is cancelled at once instead of started. */
  #refusesTasks(): boolean {
    switch (this.phase) {
      case "running":
        return false
      // A fault alone lets cleanup spawn (the root's end cancels it); not once the root
      // ended or a stop came.
      case "faulted":
        return this.#stop !== null || hasBodyEnded(this.root.state)
      case "ending":
      case "stopping":
      case "ended":
      case "abandoned":
        return true
    }
  }

  /** The running task's body ended with `ok`/`value` (TaskEnded). */
  #taskEnded(endedOk: boolean, endedWith: unknown, late: readonly unknown[] | null): unknown {
    let ok = endedOk
    let value = endedWith
    const task = this.current!
    if (!ok) {
      if (value instanceof StopError) this.#stopSeenAtEnd()
      else if (!(value instanceof Interrupt)) noteEscape(value, task.id, task.name)
      if (task !== this.root && escapesRun(value, this.#machineK)) {
        // An interrupt that is not the task's own cancellation (a user subclass of
        // Interrupt, a StopError thrown by hand) is no task failure: it ends the run, like
        // KeyboardInterrupt escaping an asyncio task. Waiters see the task cancelled.
        task.cancelError ??= cancellationOf(task.id, task.name)
        this.#raiseFault(value, task)
        ok = false
        value = task.cancelError
      }
    }
    if (this.stopHeld !== null) endHeldStop(this, task)
    lifecycle.endBody(this, task, ok, value, late)
    this.current = null
    if (task === this.root) this.#shutDown()
    else if (task.children !== null) for (const child of [...task.children]) this.cancelTask(child)
    // Cancelling a child that never started finishes it at once, which may have finished this task.
    if (task.state === S_ENDING && lifecycle.canFinalize(this, task)) lifecycle.finalize(this, task)
    return this.#decide(true)
  }

  /** The root ended: cancel every other task, daemons included. */
  #shutDown(): void {
    this.phase = advance(this.phase, "ending")
    for (const task of [...this.live]) if (task !== this.root) this.cancelTask(task)
  }

  cancelTask(task: Task<unknown>, force = false): boolean {
    return lifecycle.cancelTask(this, task, force)
  }

  interrupt(task: Task<unknown>, mode: ResumeMode, error: unknown, force = false): void {
    lifecycle.interrupt(this, task, mode, error, force)
  }

  throwPending(task: Task<unknown>, k: Continuation<unknown>): Control {
    return lifecycle.throwPending(task, k)
  }

  // ── waiting and waking ───────────────────────────────────────────────────────────────

  deliverNow(task: Task<unknown>, input: Waitable, k: Continuation<unknown>): Control {
    if (input.settledOk) return Transfer(k, input.settledValue)
    const value = input.settledValue
    return controlFor(lifecycle.crossInto(task, input, value), value, k)
  }

  wakeWith(task: Task<unknown>, input: Waitable): void {
    if (input.settledOk) this.makeReady(task, RESUME_VALUE, input.settledValue)
    else {
      const value = input.settledValue
      this.makeReady(task, lifecycle.crossInto(task, input, value), value)
    }
  }

  suspend(task: Task<unknown>, k: Continuation<unknown>, blocker: Blocker): void {
    task.k = k
    task.state = S_BLOCKED
    task.blocker = blocker
    this.current = null
  }

  block(task: Task<unknown>, k: Continuation<unknown>, blocker: Blocker): unknown {
    this.suspend(task, k, blocker)
    return this.decide()
  }

  yieldTurn(task: Task<unknown>, k: Continuation<unknown>): unknown {
    task.k = k
    this.makeReady(task, RESUME_VALUE, undefined)
    this.current = null
    return this.decide()
  }

  makeReady(task: Task<unknown>, mode: ResumeMode, value: unknown): void {
    task.blocker = null
    task.resumeMode = mode
    task.resumeValue = value
    task.state = S_READY
    this.ready.push(task)
  }

  #enrich(effect: GetExecutionContext, k: Continuation<unknown>): unknown {
    const task = this.current
    const from = task === null ? null : takeIncoming(task, effect.error)
    return enrichWithBoundaries(from, task === this.root ? null : task, k)
  }

  #preempt(k: Continuation<unknown>): unknown {
    // A requested stop arrives as a preemption (vm-core stop.ts); the task goes on to its
    // next suspension, where the stop is thrown.
    const stop = takeMachineStop(k)
    if (stop !== null) {
      this.#deliverStop(stop)
      // The running task gets the stop at its next suspension; one that never blocks gets
      // it at its next preemption (pending, below), so keep preempting, quanta or not.
      armPreemption(k, this.quanta > 0 ? this.quanta : MIN_QUANTA)
      return Transfer(k, undefined)
    }
    const task = this.current
    if (task === null) return Transfer(k, undefined)
    if (task.pending !== null) return this.throwPending(task, k)
    task.watchdog?.pause(k)
    return this.yieldTurn(task, k)
  }

  #awaitExternal(promise: PromiseLike<unknown>, k: Continuation<unknown>): unknown {
    const task = this.current
    if (task === null) return Pass()
    if (task.pending !== null) return this.throwPending(task, k)
    return this.block(task, k, this.external.wait(task, promise))
  }

  // ── choosing what runs next ──────────────────────────────────────────────────────────

  decide(): unknown {
    return this.#decide(false)
  }

  /**
   * Chooses what the machine does next and returns the handler's answer: resume the next
   * ready task, park (transfer to the idle continuation), jump the virtual clock, or end.
   * `safe`: the perform being answered is a TaskEnded or Idle, which may be aborted to
   * end the run (nothing waits behind it).
   */
  #decide(safe: boolean): unknown {
    const external = this.external
    for (;;) {
      if (this.phase === "ended") return this.#leave(safe)
      if (this.timers.size > 0) this.#wakeDueTimers()
      if (external.settled.length > 0) external.takeIn(this)
      if (external.journal !== null) {
        const divergence = external.takeInJournaled(this, external.journal)
        if (divergence !== null) this.#raiseFault(divergence)
      }
      const next = this.rounds === null ? this.ready.pop() : this.#nextInRound()
      if (next !== undefined) return this.#resume(next)
      const virtual = this.clock.advanceTo !== undefined
      if (external.open > 0 || (this.timers.size > 0 && !virtual)) return this.#park()
      const due = this.timers.nextDue()
      if (due !== undefined) {
        this.clock.advanceTo!(due)
        continue
      }
      this.#stuck()
    }
  }

  #resume(task: Task<unknown>): Control {
    this.current = task
    const k = task.k!
    task.k = null
    const held = task.heldPermit
    if (held !== null) {
      task.heldPermit = null
      held.consumed?.()
    }
    task.state = S_RUNNING
    if (this.trace !== null) this.trace.switched(task)
    if (this.quanta > 0) armPreemption(k, this.quanta)
    enterTask(k, task)
    if (task.watchdog !== null) task.watchdog.begin(k, this.quanta)
    const value = task.resumeValue
    task.resumeValue = undefined
    return controlFor(task.resumeMode, value, k)
  }

  #wakeDueTimers(): void {
    const now = this.clock.now()
    for (
      let timer = this.timers.popDue(now);
      timer !== undefined;
      timer = this.timers.popDue(now)
    ) {
      this.makeReady(timer.task, RESUME_VALUE, undefined)
    }
  }

  /** The next task of the current round; at the round limit the run is stopped. */
  #nextInRound(): Task<unknown> | undefined {
    const rounds = this.rounds!
    const next = rounds.next(this.ready)
    if (next !== ROUND_LIMIT) return next
    const k = this.#machineK
    if (k !== null) {
      const stop = roundLimitStop(k, rounds.max)
      if (stop !== null) this.#deliverStop(stop)
    }
    return this.ready.pop()
  }

  // ── stops and faults ─────────────────────────────────────────────────────────────────

  /** Delivers `error` to every task (stopping.ts); the run then ends stopped. */
  #deliverStop(error: StopError): void {
    if (this.#stop !== null) return
    this.#stop = error
    if (this.rounds !== null) {
      this.rounds.release(this.ready)
      this.rounds = null
    }
    this.phase = advance(this.phase, "stopping")
    stopTasks(this, error)
  }

  /**
   * A task ended with `StopError`: if the machine is being stopped (a scheduler nested in
   * this task delivered it), this scheduler stops its tasks too.
   */
  #stopSeenAtEnd(): void {
    const k = this.#machineK
    if (this.#stop !== null || k === null) return
    const stop = stopSeenAtEnd(k)
    if (stop !== null) this.#deliverStop(stop)
  }

  /**
   * Nothing is ready, runnable or pending: a deadlock. After a fault, tasks whose cleanup
   * blocked again get the fault's error thrown in, a bounded number of times, and are
   * then abandoned so the run ends.
   */
  #stuck(): void {
    if (this.phase !== "faulted") this.#raiseFault(deadlockError(this.live, this.root))
    else if (this.#faultRounds++ < MAX_FAULT_ROUNDS)
      lifecycle.interruptAll(this, this.#fault!.error, null, true)
    else this.#abandonAfterFault()
  }

  /** The run cannot go on: cancel every task (their finally blocks run), then fail with `error`. */
  #raiseFault(error: unknown, spare: Task<unknown> | null = null): void {
    if (this.#fault !== null) return
    this.#fault = { error }
    this.phase = advance(this.phase, "faulted")
    lifecycle.interruptAll(this, error, spare)
  }

  /** The running task has a watchdog: fault the run if its activation ran over. */
  #watchdogCheck(
    task: Task<unknown>,
    effect: Effect<unknown>,
    k: Continuation<unknown>,
  ): Control | null {
    // Off after a fault or a stop (the teardown is not an activation to bound), and never
    // inside an error's enrichment.
    // A cleanup already under way when the stop came stays bounded by its watchdog.
    if (
      this.phase === "faulted" ||
      (this.#stop !== null && task.cancelError === this.#stop && !stopHeldFor(this, task))
    )
      return null
    if (effect instanceof GetExecutionContext) return null
    const over = task.watchdog!.check(k, task.id, task.name)
    return over === null ? null : this.#watchdogFault(task, over, k)
  }

  /**
   * A task's activation ran over its watchdog budget: the run faults (every other task is
   * cancelled) and the error is thrown into the task right here, so its traceback points
   * into it. The task counts as cancelled too: catching the error changes nothing.
   */
  #watchdogFault(task: Task<unknown>, error: WatchdogError, k: Continuation<unknown>): Control {
    task.cancelError = cancellationOf(task.id, task.name)
    this.#raiseFault(error, task)
    return controlFor(RESUME_ENRICH, error, k)
  }

  // ── the end ──────────────────────────────────────────────────────────────────────────

  /** The root task finished: the run's exit is decided. */
  rootFinished(): void {
    this.#exit = this.#exitOf()
    const failure = reportChoices(this.ready, this.#policy)
    if (failure !== null) this.#exit = new SchedulerExit(false, failure.error)
    this.phase = "ended"
    this.#leaveMachine()
    this.timers.clear()
    this.#wake.fire()
  }

  /** How the run ends once the root finished: with its fault, its stop, or the root's outcome. */
  #exitOf(): SchedulerExit {
    switch (this.phase) {
      case "faulted":
        return new SchedulerExit(false, this.#withRootFailure(this.#fault!.error))
      case "stopping":
        return new SchedulerExit(false, this.#withRootFailure(this.#stop!))
      case "running":
      case "ending":
      case "ended":
      case "abandoned":
        return new SchedulerExit(this.root.settledOk, this.root.settledValue)
    }
  }

  /**
   * The run ends with `primary` (its stop, its fault's error) whatever the root task did:
   * the root's own failure (an error its cleanup or a child's raised meanwhile) goes onto
   * it as `suppressed`, never lost.
   */
  #withRootFailure(primary: unknown): unknown {
    const root = this.root
    const failure = root.settledValue
    if (!root.settledOk && failure !== primary && !(failure instanceof Interrupt))
      addSuppressed(primary, failure)
    return primary
  }

  /** Whether `value` is what the run ends with whatever its tasks do: its stop or its fault's error. */
  endsRun(value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false
    return value === this.#stop || value === this.#fault?.error
  }

  /** After a fault, cleanup blocked again: give up on the remaining tasks and end the run. */
  #abandonAfterFault(): void {
    const error = this.#fault!.error
    if (error instanceof SchedulerDeadlockError)
      error.noteAbandoned(describeBlocked(this.live, this.root))
    const { failure } = this.#tearDown()
    this.#exit = new SchedulerExit(false, failure === null ? error : failure.error)
    this.phase = "ended"
  }

  /**
   * The scheduler's region is being abandoned (an outer handler ended it without resuming)
   * or left by an error: nothing runs here again. Returns the tasks whose continuation the
   * scheduler holds, newest first (children before their parents), for `scheduled` to
   * close, and the failure of `onChoices` if it threw.
   */
  abandon(): Abandoned {
    const abandoned = this.#tearDown()
    this.#idleK = null
    this.phase = "abandoned"
    return abandoned
  }

  /**
   * Ends the run without running any task again, after a fault whose cleanup never ends or
   * when the region is abandoned from outside: every task ends cancelled, nothing waits
   * or wakes any more, and the choices are reported.
   */
  #tearDown(): Abandoned {
    const held = lifecycle.abandonAll(this.live)
    this.timers.clear()
    this.external.settled = []
    this.#wake.fire()
    this.#leaveMachine()
    return { held, failure: reportChoices(this.ready, this.#policy) }
  }

  /** The machine goes on outside the scheduler: its trace, task slot and preemption are the outer ones. */
  #leaveMachine(): void {
    this.trace?.left()
    const k = this.#machineK
    if (k === null) return
    enterTask(k, this.#outerTask)
    armPreemption(k, 0)
  }

  /**
   * Ends the run: abort the current perform with the exit (it becomes the value of the
   * scheduler's withHandler). Only a TaskEnded or Idle perform may be aborted (`safe`):
   * nothing waits behind it. From anywhere else, go through the idle continuation first.
   */
  #leave(safe: boolean): unknown {
    if (safe) return this.#exit
    const k = this.#idleK!
    this.#idleK = null
    return Transfer(k, null)
  }

  /** `task`'s continuation is about to be closed: its cleanup runs as that task. */
  closing(task: Task<unknown>, k: Continuation<unknown>): void {
    this.current = task
    enterTask(k, task)
  }

  /** Every held task is closed: the task slot outside the scheduler is back. */
  closed(): void {
    this.current = null
    if (this.#machineK !== null) enterTask(this.#machineK, this.#outerTask)
  }

  // ── parking ──────────────────────────────────────────────────────────────────────────

  /** The root task started (RootStart): make the idle continuation from its perform. */
  #rootStarted(k: Continuation<unknown>): Control {
    this.#idleK = spawnContinuation(k, schedulerIdle(this))
    this.#machineK = k
    this.ready = startRecording(this.ready, k)
    this.trace = startTaskTrace(k, this.clock, this.root)
    const journal = journalOf(k)
    if (journal !== null) {
      this.external.journal = journal
      this.ready = new JournaledReady(this.ready, journal)
      if (this.clock.advanceTo === undefined)
        this.clock = journaledClock(this.clock === realClock ? null : this.clock, journal)
    }
    this.#outerTask = currentTask(k)
    this.root.locals = forkTaskLocals(this.#outerTask)
    enterTask(k, this.root)
    if (this.quanta > 0) armPreemption(k, this.quanta)
    return Transfer(k, undefined)
  }

  /** The idle program asks what to wait on. */
  #idle(k: Continuation<unknown>): unknown {
    this.#idleK = k
    this.current = null
    return this.#decide(true)
  }

  /**
   * The idle program's wait failed: under `run` (which cannot wait), or interrupted from
   * outside. The run faults (every task is cancelled), or, already faulted, gives up.
   */
  #parkFailed(error: unknown, k: Continuation<unknown>): unknown {
    this.#idleK = k
    this.current = null
    if (this.phase === "faulted") this.#stuck()
    else if (error instanceof StopError) this.#deliverStop(error)
    else if (error instanceof Interrupt) {
      // Interrupted from outside while parked (an outer scheduler cancelled the task this
      // scheduler runs in): cancel every task here, then end with that interruption.
      this.#raiseFault(error)
    } else {
      this.#raiseFault(cannotWaitError(this.root, this.external.open > 0, error))
    }
    return this.#decide(true)
  }

  #park(): Control {
    const k = this.#idleK!
    this.#idleK = null
    this.current = null
    armPreemption(k, 0)
    // The first park starts the idle program, which drops this value and asks again (Idle).
    return Transfer(k, this.#wakeSignal())
  }

  /** A promise that settles when an external wait settles or the next real timer is due. */
  #wakeSignal(): Promise<void> {
    const due = this.clock.advanceTo === undefined ? this.timers.nextDue() : undefined
    if (due === undefined) return this.#wake.next(undefined)
    const clock = this.clock as Partial<JournaledClock>
    return this.#wake.next(due - (clock.unjournaled?.() ?? this.clock.now()))
  }
}
