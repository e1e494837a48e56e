import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Fifo, ReadyQueue } from "../src/queues.js"

// Queue operations: true pushes the next number, false shifts one.
const opsArb = fc.array(fc.boolean(), { maxLength: 400 })

describe("scheduler queues", () => {
  it("Fifo gives items back first in, first out, across any growth of its ring", () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const fifo = new Fifo<number>()
        const model: number[] = []
        let next = 0
        for (const push of ops) {
          if (push) {
            fifo.push(next)
            model.push(next++)
          } else expect(fifo.shift()).toBe(model.shift())
          expect(fifo.size).toBe(model.length)
        }
        expect(fifo.toArray()).toEqual(model)
      }),
    )
  })

  it("ReadyQueue pops the highest priority first, first in first out among equals", () => {
    const entryArb = fc.record({
      priority: fc.integer({ min: -3, max: 3 }),
      runnable: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(fc.option(entryArb, { nil: undefined }), { maxLength: 200 }), (ops) => {
        const queue = new ReadyQueue<{ priority: number; runnable: boolean; id: number }>()
        const model: { priority: number; runnable: boolean; id: number }[] = []
        let id = 0
        for (const op of ops) {
          if (op !== undefined) {
            const task = { ...op, id: id++ }
            queue.push(task)
            model.push(task)
            continue
          }
          // The model: stale (not runnable) entries never come out; of the others, the
          // first queued of the highest priority.
          const best = model.reduce<(typeof model)[number] | undefined>(
            (a, t) => (t.runnable && (a === undefined || t.priority > a.priority) ? t : a),
            undefined,
          )
          expect(queue.pop()?.id).toBe(best?.id)
          if (best !== undefined) model.splice(model.indexOf(best), 1)
        }
      }),
    )
  })
})
