import { type Continuation, Transfer, TransferThrow } from "@effvm/vm-core"
import { describeInput } from "./describe.js"
import { SchedulerEffect } from "./effect.js"
import type { SchedulerPort } from "./port.js"
import { Fifo } from "./queues.js"
import type { Task } from "./task.js"
import { RESUME_THROW, RESUME_VALUE } from "./task-state.js"
import type { Blocker } from "./wait-types.js"

/**
 * What `receive` evaluates to: the next value, or `{ done: true }` once the channel is
 * closed and drained (the shape of a JS iterator result).
 *
 * @example
 * ```ts
 * for (let r: Received<number> = yield* receive(ch); !r.done; r = yield* receive(ch)) {
 *   total += r.value
 * }
 * ```
 */
export type Received<T> = { readonly done: false; readonly value: T } | { readonly done: true }

/**
 * A FIFO channel between tasks, made by `createChannel(capacity)`: `send` waits while it
 * holds `capacity` values, `receive` waits while it is empty; with a capacity of 0 every
 * `send` waits for a `receive` (a rendezvous). It belongs to the scheduler run that made
 * it.
 *
 * @example
 * ```ts
 * const jobs: Channel<string> = yield* createChannel<string>(10)
 * ```
 */
export class Channel<T = unknown> {
  /** @internal values sent and not yet received, oldest first. */
  readonly buffer: T[] = []
  /** @internal tasks waiting in `receive` (interrupted ones are skipped). */
  readonly receivers = new Fifo<ReceiveWait>()
  /** @internal tasks waiting in `send`, each with its value (interrupted ones are skipped). */
  readonly senders = new Fifo<SendWait>()
  /** @internal set by `closeChannel`. */
  isClosed = false

  /** @internal */
  constructor(
    /** @internal the scheduler run that owns it. */
    readonly owner: SchedulerPort,
    /** The channel's number within its scheduler run. */
    readonly id: number,
    /** How many values it holds before `send` waits (0: a rendezvous). */
    readonly capacity: number,
  ) {}

  /** Whether `closeChannel` was called. */
  get closed(): boolean {
    return this.isClosed
  }

  /** How many values are waiting to be received. */
  get size(): number {
    return this.buffer.length
  }

  /** `channel #1`, as messages name it. */
  toString(): string {
    return `channel #${this.id}`
  }

  /** @internal the oldest receiver still waiting, detached from the queue. */
  takeReceiver(): ReceiveWait | undefined {
    for (let w = this.receivers.shift(); w !== undefined; w = this.receivers.shift()) {
      if (w.detached) continue
      w.detached = true
      return w
    }
    return undefined
  }

  /** @internal the oldest sender still waiting, detached from the queue. */
  takeSender(): SendWait | undefined {
    for (let w = this.senders.shift(); w !== undefined; w = this.senders.shift()) {
      if (w.detached) continue
      w.detached = true
      return w
    }
    return undefined
  }

  /**
   * @internal Hands `value` to the oldest waiting receiver: it becomes ready holding the
   * value, which comes back here if it is interrupted before it runs. False when none waits.
   */
  handToReceiver(s: SchedulerPort, value: T): boolean {
    const wait = this.takeReceiver()
    if (wait === undefined) return false
    s.makeReady(wait.task, RESUME_VALUE, { done: false, value })
    wait.task.heldPermit = new HeldValue(this, value)
    this.inFlight++
    return true
  }

  /**
   * @internal Values handed to receivers that have not run yet: while any is in flight a
   * closed channel is not drained (a cancelled receiver's value goes to a receiver still
   * waiting, so those are not told `done` yet).
   */
  inFlight = 0

  /** @internal A closed channel with nothing left to deliver: every waiting receiver is done. */
  releaseIfDrained(s: SchedulerPort): void {
    if (!this.isClosed || this.inFlight > 0 || this.buffer.length > 0) return
    for (let r = this.takeReceiver(); r !== undefined; r = this.takeReceiver())
      s.makeReady(r.task, RESUME_VALUE, DONE)
  }

  /** @internal A full buffer has room again: the oldest waiting sender's value moves in. */
  admitSender(s: SchedulerPort): void {
    if (this.buffer.length >= this.capacity) return
    const sender = this.takeSender()
    if (sender === undefined) return
    this.buffer.push(sender.value as T)
    s.makeReady(sender.task, RESUME_VALUE, undefined)
  }
}

/** A value handed to a receiver that has not run yet: it goes back if the receiver is interrupted. */
class HeldValue<T> {
  constructor(
    readonly channel: Channel<T>,
    readonly value: T,
  ) {}

  handBack(): boolean {
    // To the next receiver, else to the front of the buffer: it is the oldest value left.
    this.channel.inFlight--
    if (!this.channel.handToReceiver(this.channel.owner, this.value))
      this.channel.buffer.unshift(this.value)
    return true
  }

  /** The receiver ran with the value: it is delivered. */
  consumed(): void {
    this.channel.inFlight--
    this.channel.releaseIfDrained(this.channel.owner)
  }
}

/** A task waiting in `receive`. */
class ReceiveWait implements Blocker {
  detached = false
  readonly defersInterrupts = false

  constructor(
    readonly channel: Channel<unknown>,
    readonly task: Task<unknown>,
  ) {}

  detach(): void {
    this.detached = true
  }

  describe(): string {
    return `receives from ${this.channel} (empty${this.channel.isClosed ? ", closed" : ""})`
  }
}

/** A task waiting in `send` with its value. */
class SendWait implements Blocker {
  detached = false
  readonly defersInterrupts = false

  constructor(
    readonly channel: Channel<unknown>,
    readonly task: Task<unknown>,
    readonly value: unknown,
  ) {}

  detach(): void {
    this.detached = true
  }

  describe(): string {
    const c = this.channel
    return c.capacity === 0
      ? `sends to ${c} (a rendezvous: waits for a receiver)`
      : `sends to ${c} (full: ${c.buffer.length} of ${c.capacity})`
  }
}

/**
 * Thrown by `send` on a closed channel, and into a task whose `send` was waiting when the
 * channel was closed.
 *
 * @example
 * ```ts
 * try {
 *   yield* send(jobs, job)
 * } catch (error) {
 *   if (error instanceof ChannelClosedError) return // the consumer has gone away
 *   throw error
 * }
 * ```
 */
export class ChannelClosedError extends Error {
  override name = "ChannelClosedError"
  /** The id of the closed channel. */
  readonly channelId: number

  constructor(channel: Channel<unknown>, waiting: boolean) {
    super(
      waiting
        ? `send(${channel}): the channel is closed; it was closed while this send waited for room.`
        : `send(${channel}): the channel is closed; no value can be sent after closeChannel().`,
    )
    this.channelId = channel.id
  }
}

const channelIds = new WeakMap<SchedulerPort, number>()

class CreateChannel extends SchedulerEffect<Channel<unknown>> {
  constructor(readonly capacity: number) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>): unknown {
    const id = channelIds.get(s) ?? 1
    channelIds.set(s, id + 1)
    return Transfer(k, new Channel(s, id, this.capacity))
  }
  /** How messages and tracebacks show it: `createChannel(10)`. */
  override toString(): string {
    return `createChannel(${this.capacity})`
  }
}

class Send extends SchedulerEffect<void> {
  constructor(
    readonly channel: Channel<unknown>,
    readonly value: unknown,
  ) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    const ch = this.channel
    if (ch.owner !== s) return TransferThrow(k, otherRun(ch, "send"))
    if (ch.isClosed) return TransferThrow(k, new ChannelClosedError(ch, false))
    if (ch.handToReceiver(s, this.value)) return Transfer(k, undefined)
    if (ch.buffer.length < ch.capacity) {
      ch.buffer.push(this.value)
      return Transfer(k, undefined)
    }
    const wait = new SendWait(ch, task, this.value)
    ch.senders.push(wait)
    return s.block(task, k, wait)
  }
  /** How messages and tracebacks show it: `send(channel #1)`. */
  override toString(): string {
    return `send(${this.channel})`
  }
}

class Receive extends SchedulerEffect<Received<unknown>> {
  constructor(readonly channel: Channel<unknown>) {
    super()
  }
  apply(s: SchedulerPort, k: Continuation<unknown>, task: Task<unknown>): unknown {
    const ch = this.channel
    if (ch.owner !== s) return TransferThrow(k, otherRun(ch, "receive"))
    if (ch.buffer.length > 0) {
      const value = ch.buffer.shift()
      ch.admitSender(s)
      return Transfer(k, { done: false, value })
    }
    const sender = ch.takeSender()
    if (sender !== undefined) {
      // A rendezvous (or a sender left waiting): take its value directly.
      s.makeReady(sender.task, RESUME_VALUE, undefined)
      return Transfer(k, { done: false, value: sender.value })
    }
    if (ch.isClosed && ch.inFlight === 0) return Transfer(k, DONE)
    const wait = new ReceiveWait(ch, task)
    ch.receivers.push(wait)
    return s.block(task, k, wait)
  }
  /** How messages and tracebacks show it: `receive(channel #1)`. */
  override toString(): string {
    return `receive(${this.channel})`
  }
}

class CloseChannel extends SchedulerEffect<void> {
  constructor(readonly channel: Channel<unknown>) {
    super()
  }
  override get suspends(): boolean {
    return false
  }
  apply(s: SchedulerPort, k: Continuation<unknown>): unknown {
    const ch = this.channel
    if (ch.owner !== s) return TransferThrow(k, otherRun(ch, "closeChannel"))
    if (ch.isClosed) return Transfer(k, undefined)
    ch.isClosed = true
    // Waiting receivers mean an empty buffer: they are done once no value is in flight.
    // Waiting senders fail.
    ch.releaseIfDrained(s)
    for (let w = ch.takeSender(); w !== undefined; w = ch.takeSender())
      s.makeReady(w.task, RESUME_THROW, new ChannelClosedError(ch, true))
    return Transfer(k, undefined)
  }
  /** How messages and tracebacks show it: `closeChannel(channel #1)`. */
  override toString(): string {
    return `closeChannel(${this.channel})`
  }
}

const DONE: Received<never> = Object.freeze({ done: true })

function otherRun(ch: Channel<unknown>, op: string): TypeError {
  return new TypeError(`${op}(${ch}): it belongs to another scheduler run.`)
}

function checkChannel(channel: unknown, op: string): void {
  if (!(channel instanceof Channel)) {
    throw new TypeError(
      `${op}() expects a channel made by createChannel(), got ${describeInput(channel)}`,
    )
  }
}

/**
 * Makes a channel that holds up to `capacity` values (a non-negative integer; 0 makes a
 * rendezvous: each `send` waits until a `receive` takes its value).
 *
 * @example
 * ```ts
 * const results = yield* createChannel<number>(0)
 * ```
 */
export function createChannel<T = unknown>(capacity = 0): SchedulerEffect<Channel<T>> {
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new TypeError(
      `createChannel(capacity) expects a non-negative integer, got ${describeInput(capacity)}`,
    )
  }
  return new CreateChannel(capacity) as SchedulerEffect<Channel<unknown>> as SchedulerEffect<
    Channel<T>
  >
}

/**
 * Sends `value`: to the oldest waiting receiver, else into the buffer, else waits (FIFO)
 * until there is room (with capacity 0, until a receiver takes it). Throws
 * `ChannelClosedError` on a closed channel, and when the channel is closed while it waits.
 *
 * @example
 * ```ts
 * yield* send(jobs, "resize photo 1")
 * ```
 */
export function send<T>(channel: Channel<T>, value: T): SchedulerEffect<void> {
  checkChannel(channel, "send")
  return new Send(channel as Channel<unknown>, value)
}

/**
 * Receives the oldest value, waiting (FIFO among receivers) while the channel is empty:
 * `{ done: false, value }`, or `{ done: true }` once the channel is closed and every value
 * sent before was received. A receiver cancelled while it waits takes no value with it: a
 * value already handed to it goes to the next receiver (or back to the channel).
 *
 * @example
 * ```ts
 * const worker = fn(function* worker(jobs: Channel<string>) {
 *   for (;;) {
 *     const next = yield* receive(jobs)
 *     if (next.done) return
 *     yield* handle(next.value)
 *   }
 * })
 * ```
 */
export function receive<T>(channel: Channel<T>): SchedulerEffect<Received<T>> {
  checkChannel(channel, "receive")
  return new Receive(channel as Channel<unknown>) as SchedulerEffect<
    Received<unknown>
  > as SchedulerEffect<Received<T>>
}

/**
 * Closes the channel: waiting receivers get `{ done: true }`, waiting senders a
 * `ChannelClosedError`; values already in the buffer can still be received. Closing a
 * closed channel does nothing.
 *
 * @example
 * ```ts
 * for (const job of ["resize photo 1", "resize photo 2"]) yield* send(jobs, job)
 * yield* closeChannel(jobs) // the workers' receive loops end once the buffer is drained
 * ```
 */
export function closeChannel(channel: Channel<unknown>): SchedulerEffect<void> {
  checkChannel(channel, "closeChannel")
  return new CloseChannel(channel)
}
