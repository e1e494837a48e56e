import {
  AwaitExternal,
  type Continuation,
  type Control,
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
  armPreemption,
  currentTask,
  enterTask,
  forkTaskLocals,
  handlersBetween,
  type JournalPort,
  journalOf,
  noteEscape,
  Preempt,
  recordOrigin,
  regionClosing,
  spawnContinuation,
  stopRequestedBy,
  type TaskLocalsHolder,
  takeMachineStop,
  WaitSignal,
} from "@effvm/vm-core/internal"
import { answerAbandoned } from "./abandon.js"
import { describeBlocked } from "./blocked.js"
import { adoptIntoScope } from "./cancel-scope.js"
import { type ReadyTasks, readyQueueFor, reportChoices, startRecording } from "./choice-queue.js"
import { type Clock, realClock } from "./clock.js"
import { SchedulerEffect } from "./effect.js"
import { enrichWithBoundaries, stampEscape, takeIncoming } from "./enrichment.js"
import {
  attachSuppressed,
  type BlockedTask,
  cancellationOf,
  combineErrors,
  SchedulerDeadlockError,
  TaskCancelledError,
} from "./errors.js"
import { ExternalWait } from "./external.js"
import { ParkOn, schedulerIdle, taskMain } from "./internal-effects.js"
import { type JournaledClock, JournaledReady, journaledClock } from "./journaled.js"
import { DEFAULT_QUANTA, MIN_QUANTA, type SchedulerOptions } from "./options.js"
import { type PolicyOptions, randomSourceFor } from "./policy.js"
import { TimerQueue } from "./queues.js"
import { ROUND_LIMIT, Rounds } from "./rounds.js"
import { waitSignal } from "./signal-wait.js"
import type { SpawnSite } from "./site.js"
import {
  endHeldStop,
  initTaskControl,
  releaseStop,
  stopAll,
  stopHeldFor,
  stopOnRoundLimit,
  stopSeenAtEnd,
} from "./stopping.js"
import {
  controlFor,
  RESUME_ENRICH,
  RESUME_THROW,
  RESUME_VALUE,
  S_BLOCKED,
  S_CANCELLED,
  S_DONE,
  S_ENDING,
  S_FAILED,
  S_NEW,
  S_READY,
  S_RUNNING,
  type SpawnOptions,
  Task,
} from "./task.js"
import { startTaskTrace, type TaskTrace } from "./trace-events.js"
import { type Blocker, isAbsorbed, isAwaited, type Waitable } from "./wait-types.js"
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

/**
 * One scheduler run: its tasks, queues and clock, and the handler that answers the task
 * effects. The handler never loops around the machine: it switches tasks by transferring
 * to the continuation of the next one, and it parks the machine by transferring to an idle
 * continuation that waits outside the scheduler.
 */
export class Scheduler {
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
  /** Settled external waits, in settlement order, not yet made ready. */
  inbox: ExternalWait[] = []
  /** External waits registered and not yet settled or detached. */
  pendingExternal = 0
  /** The run's journal port (`@effvm/durable`), null when the run is not journaled. */
  journal: JournalPort | null = null
  /** Settlements that arrived while the journal was replaying, taken in once it is live. */
  held: ExternalWait[] = []
  nextPromiseId = 1
  nextSemaphoreId = 1
  #nextTaskId = 1
  /** The root ended: every task is being cancelled, and new ones are cancelled at spawn. */
  #ending = false
  /** A fault (deadlock, a wait that cannot happen): every task was cancelled, the run fails with it. */
  #fault: { readonly error: unknown } | null = null
  #faultRounds = 0
  #exit: SchedulerExit | null = null
  /** The idle continuation, while it waits in `Idle` (or before its first start). */
  #idleK: Continuation<unknown> | null = null
  #idleStarted = false
  /** True while answering TaskEnded or Idle: aborting that perform's k leaves nothing behind. */
  #atSafePoint = false
  /** Any continuation of this run, to reach the machine (preemption). */
  #machineK: Continuation<unknown> | null = null
  readonly #wake = new WakeSignal()
  readonly #policy: PolicyOptions | undefined
  /** Task events of a traced run; null when the run is not traced. */
  #trace: TaskTrace | null = null
  /** The stop being delivered to every task (stopping.ts); the run then ends stopped. */
  stopping: StopError | null = null
  /** Tasks the stop waits for: running, or in cleanup (stopping.ts). */
  stopHeld: Task<unknown>[] | null = null
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
    if (regionClosing(k)) return answerAbandoned(this, effect, k)
    this.#atSafePoint = false
    const running = this.current
    if (this.stopHeld !== null && running !== null) releaseStop(this, running, k)
    if (running !== null && running.watchdog !== null) {
      const fault = this.#watchdogCheck(running, effect, k)
      if (fault !== null) return fault
    }
    if (effect instanceof SchedulerEffect) {
      const task = this.current
      if (task !== null && task.pending !== null && effect.suspends)
        return this.throwPending(task, k)
      return effect.apply(this, k)
    }
    if (effect instanceof GetExecutionContext) return this.#enrich(effect, k)
    if (effect instanceof Preempt) return this.#preempt(k)
    if (effect instanceof ParkOn && effect.owner === this) return Pass()
    if (effect instanceof AwaitExternal) return this.#awaitExternal(effect.promise, k)
    if (effect instanceof WaitSignal) return waitSignal(this, effect, k)
    return Pass()
  }

  // ── tasks ────────────────────────────────────────────────────────────────────────────

  /** Makes a task for `body` as a child of the current task and queues its start. */
  spawnTask(
    body: Program<unknown>,
    options: SpawnOptions | undefined,
    site: SpawnSite,
    k: Continuation<unknown>,
  ): Task<unknown> {
    const parent = this.current!
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
    if (this.#trace !== null) this.#trace.spawned(task)
    // The root's children are not tracked: when it ends every live task is cancelled.
    if (!task.daemon && parent !== this.root) {
      if (parent.children === null) parent.children = new Set()
      parent.children.add(task)
    }
    if (this.#ending) {
      // The run is ending: a task spawned by cleanup code never starts.
      this.cancelTask(task)
      return task
    }
    task.k = spawnContinuation(k, taskMain(task, body, handlersBetween(k)), null)
    this.ready.push(task)
    if (parent.scope !== null) adoptIntoScope(this, parent.scope, task)
    return task
  }

  /** The current task's body ended with `ok`/`value` (TaskEnded). */
  taskEnded(endedOk: boolean, endedWith: unknown, late: readonly unknown[] | null): unknown {
    let ok = endedOk
    let value = endedWith
    const task = this.current!
    if (!ok) {
      if (value instanceof StopError) stopSeenAtEnd(this, this.#machineK)
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
    task.settledOk = ok
    task.settledValue = value
    // Interruptions that came after the body ended: a cancellation is already recorded,
    // an error joins the outcome.
    const pending = task.pending
    task.pending = null
    if (late !== null)
      for (const error of late)
        if (!(error instanceof TaskCancelledError)) this.#failEnding(task, error)
    if (pending !== null)
      for (const p of pending)
        if (!(p.error instanceof TaskCancelledError)) this.#failEnding(task, p.error)
    task.state = S_ENDING
    this.current = null
    this.#atSafePoint = true
    if (task === this.root) this.#shutDown()
    else if (task.children !== null) for (const child of [...task.children]) this.cancelTask(child)
    // Cancelling a child that never started finishes it at once, which may have finished this task.
    if (task.state === S_ENDING && this.#canFinalize(task)) this.finalize(task)
    return this.decide()
  }

  /**
   * Requests cancellation: `TaskCancelledError` is thrown into the task at its current
   * suspension (a task that never started is finished at once). Returns false when the
   * task had already finished or was already cancelled.
   */
  cancelTask(task: Task<unknown>, force = false): boolean {
    if (task.state >= S_DONE || task.cancelRequested) return false
    if (this.#trace !== null) this.#trace.cancelled(task)
    const error = cancellationOf(task.id, task.name)
    task.cancelError = error
    if (task.state === S_NEW) this.finalize(task)
    else this.interrupt(task, RESUME_THROW, error, force)
    return true
  }

  /**
   * Throws `error` into `task` at its current suspension. A blocked task stops waiting; a
   * ready task is resumed with the throw instead of its value; an ending task's outcome
   * takes the error; otherwise it is thrown at the task's next suspension.
   */
  interrupt(task: Task<unknown>, mode: number, error: unknown, force = false): void {
    switch (task.state) {
      case S_BLOCKED: {
        const blocker = task.blocker!
        if (blocker.defersInterrupts && !force) {
          this.#queueThrow(task, mode, error)
          return
        }
        blocker.detach()
        this.makeReady(task, mode, error)
        return
      }
      case S_READY:
        if (task.resumeMode === RESUME_VALUE) {
          this.#returnHeldPermit(task)
          task.resumeMode = mode
          task.resumeValue = error
        } else this.#queueThrow(task, mode, error)
        return
      case S_ENDING:
        if (!(error instanceof TaskCancelledError)) this.#failEnding(task, error)
        return
      default:
        this.#queueThrow(task, mode, error)
    }
  }

  /** The task finished: record its outcome, tell its waiters, and finish parents that waited on it. */
  finalize(first: Task<unknown>): void {
    let task: Task<unknown> | null = first
    while (task !== null) task = this.#finalizeOne(task)
  }

  #finalizeOne(task: Task<unknown>): Task<unknown> | null {
    if (task.state >= S_DONE) return null
    let ok = task.settledOk
    let value = task.settledValue
    let state: number
    if (task.state === S_NEW || (ok && task.cancelRequested)) {
      ok = false
      value = task.cancelError
      state = S_CANCELLED
    } else if (ok) state = S_DONE
    else
      state =
        value instanceof TaskCancelledError || value instanceof StopError ? S_CANCELLED : S_FAILED
    task.state = state
    task.settledOk = ok
    task.settledValue = value
    if (this.#trace !== null) this.#trace.ended(task)
    if (state === S_FAILED && task !== this.root) stampEscape(task, value)
    // Only a failure crossing from the task reads its spawn site again (cancellations are
    // never enriched): the handles a program keeps after the tasks ended (W4 keeps 100,000)
    // then hold no captured stack.
    if (state !== S_FAILED) task.spawnSite = null
    task.k = null
    task.blocker = null
    task.pending = null
    task.incoming = null
    this.live.delete(task)
    // Observed: a waiter takes the result, or a gather/race that cancelled the task takes
    // its failure onto the error it throws (as `suppressed`).
    const awaited = isAwaited(task) || (state === S_FAILED && isAbsorbed(task, value))
    const joins = task.joins
    task.joins = null
    if (joins !== null) for (const link of joins) link.join.settled(task, link.index)
    if (state === S_FAILED && !awaited && task !== this.root) this.#orphaned(task, value)
    if (task === this.root) {
      this.#finish()
      return null
    }
    const parent = task.parent!
    if (!task.daemon && parent.children !== null) {
      parent.children.delete(task)
      if (parent.state === S_ENDING && parent.children.size === 0) return parent
    }
    if (this.root.state === S_ENDING && this.live.size === 1) return this.root
    return null
  }

  /** A failure nobody waited for: into the parent, or for a daemon to `onDaemonError`/the root. */
  #orphaned(task: Task<unknown>, error: unknown): void {
    if (!task.daemon) {
      const parent = task.parent!
      this.interrupt(parent, this.crossInto(parent, task, error), error)
      return
    }
    const report = this.onDaemonError
    if (report === undefined) {
      this.interrupt(this.root, this.crossInto(this.root, task, error), error)
      return
    }
    try {
      report(error, task)
    } catch (thrown) {
      this.interrupt(this.root, RESUME_THROW, thrown)
    }
  }

  #canFinalize(task: Task<unknown>): boolean {
    if (task === this.root) return this.live.size === 1
    return task.children === null || task.children.size === 0
  }

  /** The root ended: cancel every other task, daemons included. */
  #shutDown(): void {
    this.#ending = true
    for (const task of [...this.live]) if (task !== this.root) this.cancelTask(task)
  }

  #failEnding(task: Task<unknown>, error: unknown): void {
    if (task.settledOk || task.settledValue instanceof TaskCancelledError) {
      task.settledOk = false
      task.settledValue = error
    } else if (this.#endsRun(task.settledValue)) {
      // The task's outcome is what the run ends with (its stop, its fault's error), which
      // nobody catches: a later error (of a child's cleanup) goes onto it, never lost.
      attachSuppressed(task.settledValue, error)
    } else task.settledValue = combineErrors(String(task), task.settledValue, error)
  }

  #queueThrow(task: Task<unknown>, mode: number, error: unknown): void {
    const entry = { mode, error }
    if (task.pending === null) task.pending = [entry]
    else task.pending.push(entry)
  }

  #returnHeldPermit(task: Task<unknown>): void {
    const semaphore = task.heldPermit
    if (semaphore === null) return
    task.heldPermit = null
    semaphore.handBack(this)
  }

  /** Throws the oldest pending interruption of the running `task` at `k`. */
  throwPending(task: Task<unknown>, k: Continuation<unknown>): Control {
    const pending = task.pending!
    const next = pending.shift()!
    if (pending.length === 0) task.pending = null
    return controlFor(next.mode, next.error, k)
  }

  // ── waiting and waking ───────────────────────────────────────────────────────────────

  /**
   * How a failure of `input` is thrown into `receiver`: the first time it crosses, it is
   * enriched there (the receiver's boundary is added, and the sender's if the error never
   * got it); later deliveries of the same failure are plain throws.
   */
  crossInto(receiver: Task<unknown>, input: Waitable, error: unknown): number {
    if (
      input.crossed ||
      error === null ||
      typeof error !== "object" ||
      error instanceof Interrupt
    ) {
      return RESUME_THROW
    }
    input.crossed = true
    const entry = { error, from: input instanceof Task ? input : null }
    if (receiver.incoming === null) receiver.incoming = [entry]
    else receiver.incoming.push(entry)
    return RESUME_ENRICH
  }

  /** Answers `k` with the outcome of a settled `input`. */
  deliverNow(input: Waitable, k: Continuation<unknown>): Control {
    if (input.settledOk) return Transfer(k, input.settledValue)
    return controlFor(
      this.crossInto(this.current!, input, input.settledValue),
      input.settledValue,
      k,
    )
  }

  /** Makes blocked `task` ready with the outcome of a settled `input`. */
  wakeWith(task: Task<unknown>, input: Waitable): void {
    if (input.settledOk) this.makeReady(task, RESUME_VALUE, input.settledValue)
    else this.makeReady(task, this.crossInto(task, input, input.settledValue), input.settledValue)
  }

  /** Parks the current task on `blocker` without choosing the next task yet. */
  suspend(k: Continuation<unknown>, blocker: Blocker): void {
    const task = this.current!
    task.k = k
    task.state = S_BLOCKED
    task.blocker = blocker
    this.current = null
  }

  /** Parks the current task on `blocker` and switches to the next one. */
  block(k: Continuation<unknown>, blocker: Blocker): unknown {
    this.suspend(k, blocker)
    return this.decide()
  }

  /** Puts the current task at the back of the ready queue and switches (a cooperative yield). */
  yieldTurn(k: Continuation<unknown>): unknown {
    const task = this.current!
    task.k = k
    this.makeReady(task, RESUME_VALUE, undefined)
    this.current = null
    return this.decide()
  }

  makeReady(task: Task<unknown>, mode: number, value: unknown): void {
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
      stopAll(this, stop)
      // The running task gets the stop at its next suspension; one that never blocks gets
      // it at its next preemption (pending, below), so keep preempting, quanta or not.
      armPreemption(k, this.quanta > 0 ? this.quanta : MIN_QUANTA)
      return Transfer(k, undefined)
    }
    const task = this.current
    if (task === null) return Transfer(k, undefined)
    if (task.pending !== null) return this.throwPending(task, k)
    task.watchdog?.pause(k)
    return this.yieldTurn(k)
  }

  #awaitExternal(promise: PromiseLike<unknown>, k: Continuation<unknown>): unknown {
    const task = this.current
    if (task === null) return Pass()
    if (task.pending !== null) return this.throwPending(task, k)
    const wait = new ExternalWait(this, task)
    this.pendingExternal++
    Promise.resolve(promise).then(
      (value) => wait.arrive(true, value),
      (error: unknown) => wait.arrive(false, error),
    )
    return this.block(k, wait)
  }

  // ── choosing what runs next ──────────────────────────────────────────────────────────

  /**
   * Chooses what the machine does next and returns the handler's answer: resume the next
   * ready task, park (transfer to the idle continuation), jump the virtual clock, or end.
   */
  decide(): unknown {
    for (;;) {
      if (this.#exit !== null) return this.#leave()
      if (this.timers.size > 0) this.#wakeDueTimers()
      if (this.inbox.length > 0) this.#drainInbox()
      if (this.journal !== null) this.#journaledInbox(this.journal)
      const next = this.rounds === null ? this.ready.pop() : this.#nextInRound()
      if (next !== undefined) return this.#resume(next)
      const virtual = this.clock.advanceTo !== undefined
      if (this.pendingExternal > 0 || (this.timers.size > 0 && !virtual)) return this.#park()
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
      held.consumed?.(this)
    }
    task.state = S_RUNNING
    if (this.#trace !== null) this.#trace.switched(task)
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

  #drainInbox(): void {
    const settled = this.inbox
    this.inbox = []
    for (const wait of settled) {
      if (wait.detached) continue
      wait.detached = true
      this.pendingExternal--
      if (this.journal !== null) {
        const taken = this.journal.settled(wait.task.id, wait.ok, wait.value)
        this.makeReady(wait.task, taken.ok ? RESUME_VALUE : RESUME_THROW, taken.value)
      } else this.makeReady(wait.task, wait.ok ? RESUME_VALUE : RESUME_THROW, wait.value)
    }
  }

  /**
   * A journaled run: while replaying, the settlements the journal holds at this point are
   * taken in (the real ones are held back); once live, the held ones join the inbox.
   */
  #journaledInbox(port: JournalPort): void {
    if (port.replaying) {
      for (let next = port.nextSettled(); next !== null; next = port.nextSettled()) {
        let wait: ExternalWait | null = null
        for (const task of this.live) {
          if (task.id === next.taskId && task.blocker instanceof ExternalWait) wait = task.blocker
        }
        if (wait === null || wait.detached) {
          this.#raiseFault(port.divergence(`no JS promise awaited by task ${next.taskId}`))
          return
        }
        wait.detached = true
        this.pendingExternal--
        this.makeReady(wait.task, next.ok ? RESUME_VALUE : RESUME_THROW, next.value)
      }
      return
    }
    if (this.held.length === 0) return
    this.inbox.push(...this.held)
    this.held = []
    this.#drainInbox()
  }

  /**
   * Nothing is ready, runnable or pending: a deadlock. After a fault, tasks whose cleanup
   * blocked again get the fault's error thrown in, a bounded number of times, and are
   * then abandoned so the run ends.
   */
  #stuck(): void {
    if (this.#fault === null) this.#raiseFault(this.#deadlock())
    else if (this.#faultRounds++ < MAX_FAULT_ROUNDS)
      this.#interruptAll(this.#fault.error, null, true)
    else this.#abandon()
  }

  /**
   * The deadlock error, raised where the root task waits: its traceback shows the root's
   * frames and what it was waiting on (the message lists every blocked task).
   */
  #deadlock(): SchedulerDeadlockError {
    return this.#atRootWait(new SchedulerDeadlockError(this.#blockedTasks()))
  }

  /** Records `error` as raised where the root task waits (errors of the run as a whole). */
  #atRootWait<E>(error: E): E {
    const k = this.root.k
    if (k !== null) recordOrigin(error, k.top, { effect: k.effect, k, last: "threw" })
    return error
  }

  /** The run cannot go on: cancel every task (their finally blocks run), then fail with `error`. */
  #raiseFault(error: unknown, spare: Task<unknown> | null = null): void {
    if (this.#fault !== null) return
    this.#fault = { error }
    this.#interruptAll(error, spare)
  }

  /**
   * Cancels every unfinished task. A task already cancelled is left to its cleanup (never
   * cut short), unless `stuck`: its cleanup blocked with nothing left to wake it, so it
   * gets `error` thrown in instead.
   */
  #interruptAll(error: unknown, spare: Task<unknown> | null = null, stuck = false): void {
    for (const task of [...this.live]) {
      if (task === spare || task.state === S_ENDING || task.state >= S_DONE) continue
      if (!this.cancelTask(task, true) && stuck && task.state < S_DONE)
        this.interrupt(task, RESUME_THROW, error, true)
    }
  }

  /** After a fault, cleanup blocked again: give up on the remaining tasks and end the run. */
  #abandon(): void {
    const stuck = this.#blockedTasks()
    const error = this.#fault!.error
    if (error instanceof SchedulerDeadlockError) error.noteAbandoned(stuck)
    for (const task of this.live) {
      task.blocker?.detach()
      task.state = S_CANCELLED
      task.settledOk = false
      task.settledValue = task.cancelError ?? cancellationOf(task.id, task.name)
      task.k = null
      task.joins = null
    }
    this.live.clear()
    this.timers.clear()
    this.#exit = new SchedulerExit(false, error)
    this.#ended()
    this.#wake.fire()
  }

  #blockedTasks(): BlockedTask[] {
    return describeBlocked(this.live, this.root)
  }

  #finish(): void {
    const root = this.root
    this.#exit =
      this.#fault !== null
        ? new SchedulerExit(false, this.#withRootFailure(this.#fault.error))
        : this.stopping !== null
          ? new SchedulerExit(false, this.#withRootFailure(this.stopping))
          : new SchedulerExit(root.settledOk, root.settledValue)
    this.#ended()
    if (this.#machineK !== null) enterTask(this.#machineK, this.#outerTask)
    this.timers.clear()
    this.#wake.fire()
    if (this.#machineK !== null) armPreemption(this.#machineK, 0)
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
      attachSuppressed(primary, failure)
    return primary
  }

  /** Whether `value` is what the run ends with whatever its tasks do: its stop or its fault's error. */
  #endsRun(value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false
    return value === this.stopping || value === this.#fault?.error
  }

  /** The scheduler ends: report the choices (onChoices), hand the trace back. */
  #ended(): void {
    const failure = reportChoices(this.ready, this.#policy)
    if (failure !== null) this.#exit = new SchedulerExit(false, failure.error)
    this.#trace?.left()
  }

  /**
   * Ends the run: abort the current perform with the exit (it becomes the value of the
   * scheduler's withHandler). Only a TaskEnded or Idle perform may be aborted: nothing
   * waits behind it. From anywhere else, go through the idle continuation first.
   */
  #leave(): unknown {
    if (this.#atSafePoint) return this.#exit
    const k = this.#idleK!
    this.#idleK = null
    return Transfer(k, null)
  }

  // ── parking ──────────────────────────────────────────────────────────────────────────

  /** The root task started (RootStart): make the idle continuation from its perform. */
  rootStarted(k: Continuation<unknown>): Control {
    this.#idleK = spawnContinuation(k, schedulerIdle(this))
    this.#machineK = k
    this.ready = startRecording(this.ready, k)
    this.#trace = startTaskTrace(k, this.clock, this.root)
    const journal = journalOf(k)
    if (journal !== null) {
      this.journal = journal
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
  idle(k: Continuation<unknown>): unknown {
    this.#idleK = k
    this.current = null
    this.#atSafePoint = true
    return this.decide()
  }

  /**
   * The idle program's wait failed: under `run` (which cannot wait), or interrupted from
   * outside. The run faults (every task is cancelled), or, already faulted, gives up.
   */
  parkFailed(error: unknown, k: Continuation<unknown>): unknown {
    this.#idleK = k
    this.current = null
    this.#atSafePoint = true
    if (this.#fault !== null) this.#stuck()
    else if (error instanceof StopError) stopAll(this, error)
    else if (error instanceof Interrupt) {
      // Interrupted from outside while parked (an outer scheduler cancelled the task this
      // scheduler runs in): cancel every task here, then end with that interruption.
      this.#raiseFault(error)
    } else {
      // One sentence: the machine's own reason stays readable as the cause.
      const message =
        this.pendingExternal > 0
          ? "Every task waits on a JS promise (awaitPromise), but this run is synchronous (run, runOutcome) and cannot wait: use runAsync() to run programs that wait on promises."
          : "Every task waits on the real clock (sleep with realClock), but this run is synchronous (run, runOutcome) and cannot wait: use runAsync(), or for sleeps under run() scheduled(body, { clock: new VirtualClock() })."
      this.#raiseFault(this.#atRootWait(new Error(message, { cause: error })))
    }
    return this.decide()
  }

  #park(): Control {
    const k = this.#idleK!
    this.#idleK = null
    this.current = null
    armPreemption(k, 0)
    if (!this.#idleStarted) {
      this.#idleStarted = true
      return Transfer(k, null)
    }
    return Transfer(k, this.#wakeSignal())
  }

  /** A promise that settles when an external wait settles or the next real timer is due. */
  #wakeSignal(): Promise<void> {
    const due = this.clock.advanceTo === undefined ? this.timers.nextDue() : undefined
    if (due === undefined) return this.#wake.next(undefined)
    const clock = this.clock as Partial<JournaledClock>
    return this.#wake.next(due - (clock.unjournaled?.() ?? this.clock.now()))
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
      this.#fault !== null ||
      (this.stopping !== null && task.cancelError === this.stopping && !stopHeldFor(this, task))
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

  /** Marks new tasks as cancelled at spawn from now on (the run is stopping). */
  refuseNewTasks(): void {
    this.#ending = true
  }

  /** The next task of the current round; at the round limit the run is stopped. */
  #nextInRound(): Task<unknown> | undefined {
    const next = this.rounds!.next(this.ready)
    if (next !== ROUND_LIMIT) return next
    stopOnRoundLimit(this, this.#machineK)
    return this.ready.pop()
  }

  // ── abandoned from outside ───────────────────────────────────────────────────────────

  /**
   * The scheduler's region is being abandoned (an outer handler ended it without resuming)
   * or left by an error: nothing runs here again. Every task ends cancelled; returns those
   * whose continuation the scheduler holds, newest first (children before their parents),
   * for `scheduled` to close, and the failure of `onChoices` if it threw.
   */
  abandon(): { readonly held: Task<unknown>[]; readonly failure: { error: unknown } | null } {
    const held: Task<unknown>[] = []
    for (const task of this.live) {
      task.blocker?.detach()
      if (task.k !== null) held.push(task)
      task.state = S_CANCELLED
      task.settledOk = false
      task.settledValue = task.cancelError ?? cancellationOf(task.id, task.name)
      task.blocker = null
      task.pending = null
      task.joins = null
    }
    this.live.clear()
    this.timers.clear()
    this.inbox = []
    this.#idleK = null
    this.#wake.fire()
    this.#trace?.left()
    if (this.#machineK !== null) armPreemption(this.#machineK, 0)
    return { held: held.reverse(), failure: reportChoices(this.ready, this.#policy) }
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

  /** Something settled: let the parked machine go on. */
  wakeUp(): void {
    this.#wake.fire()
  }
}
