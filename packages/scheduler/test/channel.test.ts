import { fn, formatTraceback, program, run, type Yielded } from "@effvm/vm-core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type Channel,
  ChannelClosedError,
  cancel,
  closeChannel,
  createChannel,
  gather,
  now,
  type Received,
  receive,
  SchedulerDeadlockError,
  scheduled,
  send,
  sleep,
  spawn,
  VirtualClock,
} from "../src/index.js"
import { runVirtual, thrownBy } from "./helpers.js"

const producer = fn(function* producer(
  ch: Channel<number>,
  values: readonly number[],
  log: string[],
): Generator<Yielded, void, unknown> {
  for (const v of values) {
    yield* send(ch, v)
    log.push(`sent ${v}`)
  }
})

const drain = fn(function* drain(ch: Channel<number>): Generator<Yielded, number[], unknown> {
  const got: number[] = []
  for (;;) {
    const r: Received<number> = yield* receive(ch)
    if (r.done) return got
    got.push(r.value)
  }
})

describe("channels", () => {
  it("delivers values in the order they were sent", () => {
    const got = runVirtual(
      program(function* main() {
        const ch = yield* createChannel<number>(2)
        yield* spawn(
          program(function* sendAll() {
            for (const v of [1, 2, 3, 4, 5]) yield* send(ch, v)
            yield* closeChannel(ch)
          }),
        )
        return yield* drain(ch)
      }),
    )
    expect(got).toEqual([1, 2, 3, 4, 5])
  })

  it("makes a sender wait while the buffer is full", () => {
    const log: string[] = []
    runVirtual(
      program(function* main() {
        const ch = yield* createChannel<number>(1)
        yield* spawn(producer(ch, [1, 2], log))
        yield* sleep(10)
        log.push("receiving")
        yield* receive(ch)
        yield* sleep(10)
      }),
    )
    expect(log).toEqual(["sent 1", "receiving", "sent 2"])
  })

  it("makes a send on a capacity-0 channel wait for a receiver (rendezvous)", () => {
    const log: string[] = []
    runVirtual(
      program(function* main() {
        const ch = yield* createChannel<number>(0)
        yield* spawn(producer(ch, [7], log))
        yield* sleep(10)
        log.push(`receiving at ${yield* now()}`)
        const r = yield* receive(ch)
        log.push(`got ${JSON.stringify(r)}`)
        yield* sleep(0)
      }),
    )
    expect(log).toEqual(["receiving at 10", 'got {"done":false,"value":7}', "sent 7"])
  })

  it("serves waiting receivers oldest first", () => {
    const got = runVirtual(
      program(function* main() {
        const ch = yield* createChannel<string>(0)
        const first = yield* spawn(
          program(function* firstReceiver() {
            return yield* receive(ch)
          }),
        )
        yield* sleep(1)
        const second = yield* spawn(
          program(function* secondReceiver() {
            return yield* receive(ch)
          }),
        )
        yield* sleep(1)
        yield* spawn(
          program(function* sender() {
            yield* send(ch, "one")
            yield* send(ch, "two")
          }),
        )
        return yield* gather(first, second)
      }),
    )
    expect(got).toEqual([
      { done: false, value: "one" },
      { done: false, value: "two" },
    ])
  })

  it("answers { done: true } once closed and drained, after the values still buffered", () => {
    const results = runVirtual(
      program(function* main() {
        const ch = yield* createChannel<string>(3)
        yield* send(ch, "a")
        yield* closeChannel(ch)
        return [yield* receive(ch), yield* receive(ch), yield* receive(ch)]
      }),
    )
    expect(results).toEqual([{ done: false, value: "a" }, { done: true }, { done: true }])
  })

  it("wakes waiting receivers with { done: true } when the channel is closed", () => {
    const results = runVirtual(
      program(function* main() {
        const ch = yield* createChannel<number>(1)
        const a = yield* spawn(
          program(function* receiverA() {
            return yield* receive(ch)
          }),
        )
        const b = yield* spawn(
          program(function* receiverB() {
            return yield* receive(ch)
          }),
        )
        yield* sleep(5)
        yield* closeChannel(ch)
        return yield* gather(a, b)
      }),
    )
    expect(results).toEqual([{ done: true }, { done: true }])
  })

  it("throws ChannelClosedError for a send on a closed channel", () => {
    const error = thrownBy(() =>
      runVirtual(
        program(function* main() {
          const ch = yield* createChannel<number>(1)
          yield* closeChannel(ch)
          yield* send(ch, 1)
        }),
      ),
    )
    expect(error).toBeInstanceOf(ChannelClosedError)
    expect((error as Error).message).toMatch(/send\(channel #1\): the channel is closed/)
  })

  it("throws ChannelClosedError into a send that was waiting when the channel was closed", () => {
    const outcome = runVirtual(
      program(function* main() {
        const ch = yield* createChannel<number>(0)
        const sender = yield* spawn(
          program(function* blockedSender() {
            try {
              yield* send(ch, 1)
              return "sent"
            } catch (error) {
              return (error as Error).message
            }
          }),
        )
        yield* sleep(1)
        yield* closeChannel(ch)
        return yield* gather(sender)
      }),
    )
    expect(outcome[0]).toMatch(/the channel is closed; it was closed while this send waited/)
  })

  it("does nothing when a channel is closed twice", () => {
    const r = runVirtual(
      program(function* main() {
        const ch = yield* createChannel<number>(1)
        yield* send(ch, 3)
        yield* closeChannel(ch)
        yield* closeChannel(ch)
        return yield* receive(ch)
      }),
    )
    expect(r).toEqual({ done: false, value: 3 })
  })

  it("gives the value handed to a receiver cancelled before it ran to the next receiver", () => {
    const got = runVirtual(
      program(function* main() {
        const ch = yield* createChannel<number>(0)
        const first = yield* spawn(
          program(function* firstReceiver() {
            return yield* receive(ch)
          }),
        )
        const second = yield* spawn(
          program(function* secondReceiver() {
            return yield* receive(ch)
          }),
        )
        yield* sleep(1)
        yield* send(ch, 42) // handed to firstReceiver, which has not run yet
        yield* cancel(first)
        return yield* gather(second)
      }),
    )
    expect(got).toEqual([{ done: false, value: 42 }])
  })

  it("keeps the value of a receiver cancelled before it ran in the channel when no one else waits", () => {
    const got = runVirtual(
      program(function* main() {
        const ch = yield* createChannel<number>(1)
        const only = yield* spawn(
          program(function* onlyReceiver() {
            return yield* receive(ch)
          }),
        )
        yield* sleep(1)
        yield* send(ch, 1)
        yield* send(ch, 2)
        yield* cancel(only)
        return [yield* receive(ch), yield* receive(ch)]
      }),
    )
    expect(got).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
    ])
  })

  it("takes nothing from the channel for a receiver cancelled while it waited", () => {
    const got = runVirtual(
      program(function* main() {
        const ch = yield* createChannel<number>(1)
        const waiting = yield* spawn(
          program(function* waitingReceiver() {
            return yield* receive(ch)
          }),
        )
        yield* sleep(1)
        yield* cancel(waiting)
        yield* send(ch, 5)
        return yield* receive(ch)
      }),
    )
    expect(got).toEqual({ done: false, value: 5 })
  })

  it("counts a wait on a channel for deadlock detection", () => {
    const error = thrownBy(() =>
      runVirtual(
        program(function* main() {
          const ch = yield* createChannel<number>(0)
          yield* receive(ch)
        }),
      ),
    )
    expect(error).toBeInstanceOf(SchedulerDeadlockError)
    expect((error as Error).message).toMatch(/receives from channel #1/)
  })

  it("shows a wait on a channel as receive(channel #1) in the traceback", () => {
    const error = thrownBy(() =>
      runVirtual(
        program(function* main() {
          const ch = yield* createChannel<number>(0)
          yield* receive(ch)
        }),
      ),
    )
    expect(formatTraceback(error)).toContain("performing receive(channel #1)")
  })

  it("rejects a negative or fractional capacity with a TypeError naming it", () => {
    expect(() => createChannel(-1)).toThrow(/non-negative integer, got -1/)
    expect(() => createChannel(1.5)).toThrow(TypeError)
  })

  it("rejects a value that is not a channel in send, receive and closeChannel", () => {
    expect(() => send({} as Channel<number>, 1)).toThrow(/send\(\) expects a channel/)
    expect(() => receive(null as unknown as Channel<number>)).toThrow(
      /receive\(\) expects a channel/,
    )
    expect(() => closeChannel(3 as unknown as Channel)).toThrow(
      /closeChannel\(\) expects a channel/,
    )
  })

  it("rejects a channel of another scheduler run", () => {
    let foreign: Channel<number> | undefined
    runVirtual(
      program(function* first() {
        foreign = yield* createChannel<number>(1)
      }),
    )
    const error = thrownBy(() =>
      runVirtual(
        program(function* second() {
          yield* send(foreign!, 1)
        }),
      ),
    )
    expect((error as Error).message).toMatch(/belongs to another scheduler run/)
  })
})

describe("channel properties", () => {
  it("delivers every value sent exactly once, each producer's in order, under any seeded interleaving", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 10_000 }),
        (capacity, producers, consumers, seed) => {
          const perProducer = 6
          const received = run(
            scheduled(
              program(function* main() {
                const ch = yield* createChannel<number>(capacity)
                const sendersDone = yield* spawn(
                  program(function* allProducers() {
                    const tasks = []
                    for (let p = 0; p < producers; p++) {
                      const values = Array.from({ length: perProducer }, (_, i) => p * 100 + i)
                      tasks.push(yield* spawn(producer(ch, values, [])))
                    }
                    yield* gather(...tasks)
                    yield* closeChannel(ch)
                  }),
                )
                const readers = []
                for (let c = 0; c < consumers; c++) readers.push(yield* spawn(drain(ch)))
                const got = yield* gather(...readers)
                yield* gather(sendersDone)
                return got
              }),
              { clock: new VirtualClock(), policy: { random: seed } },
            ),
          )
          const all = received.flat().sort((a, b) => a - b)
          const expected = Array.from({ length: producers }, (_, p) =>
            Array.from({ length: perProducer }, (_, i) => p * 100 + i),
          ).flat()
          expect(all).toEqual(expected)
          for (const got of received) {
            for (let p = 0; p < producers; p++) {
              const mine = got.filter((v) => Math.floor(v / 100) === p)
              expect(mine).toEqual([...mine].sort((a, b) => a - b))
            }
          }
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe("channel properties with cancelled receivers", () => {
  it("loses no value when receivers are cancelled at random moments", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 10_000 }),
        (capacity, cancelAfter, seed) => {
          const values = Array.from({ length: 12 }, (_, i) => i)
          const received: number[] = []
          const recording = fn(function* recording(
            ch: Channel<number>,
          ): Generator<Yielded, void, unknown> {
            for (;;) {
              const r: Received<number> = yield* receive(ch)
              if (r.done) return
              received.push(r.value)
              yield* sleep(1)
            }
          })
          run(
            scheduled(
              program(function* main() {
                const ch = yield* createChannel<number>(capacity)
                const doomed = []
                for (const ms of cancelAfter) {
                  const t = yield* spawn(recording(ch))
                  doomed.push(t)
                  yield* spawn(
                    program(function* canceller() {
                      yield* sleep(ms)
                      yield* cancel(t)
                    }),
                  )
                }
                const survivor = yield* spawn(recording(ch))
                for (const v of values) yield* send(ch, v)
                yield* closeChannel(ch)
                yield* gather(survivor)
              }),
              { clock: new VirtualClock(), policy: { random: seed } },
            ),
          )
          expect([...received].sort((a, b) => a - b)).toEqual(values)
        },
      ),
      // The example lost the last value once: handed to a receiver cancelled after the
      // channel closed, while the survivor had already been told the channel was done.
      { numRuns: 150, examples: [[0, [0, 4, 4], 55]] },
    )
  })
})
