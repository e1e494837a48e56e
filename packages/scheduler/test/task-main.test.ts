import { Effect, fn, handler, Pass, Program, run, type Yielded } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { TaskEnded, TaskMain } from "../src/internal-effects.js"

const body = fn(function* body(): Generator<Yielded, number, unknown> {
  return 1
})

class Ping extends Effect<void> {}

/** A TaskMain past its first step (its program handed to the machine). */
function started(): TaskMain {
  const main = new TaskMain(body(), null)
  main.next(undefined)
  return main
}

function ended(result: IteratorResult<unknown, unknown>): TaskEnded {
  expect(result.done).toBe(false)
  expect(result.value).toBeInstanceOf(TaskEnded)
  return result.value as TaskEnded
}

describe("a task's wrapper (TaskMain)", () => {
  it("hands its program to the machine first", () => {
    const program = body()
    const first = new TaskMain(program, null).next(undefined)
    expect(first.done).toBe(false)
    expect(first.value).toBe(program)
  })

  it("installs the handlers between the scheduler and the spawn site around its program", () => {
    const program = body()
    const between = [handler(() => Pass(), { name: "between", handles: [Ping] })]
    const first = new TaskMain(program, between).next(undefined)
    expect(first.value).toBeInstanceOf(Program)
    expect(first.value).not.toBe(program)
    expect(run(first.value as Program<number>)).toBe(1)
  })

  it("reports the program's value with TaskEnded", () => {
    const report = ended(started().next(42))
    expect([report.ok, report.value, report.late]).toEqual([true, 42, null])
  })

  it("reports the program's failure as the task's outcome instead of throwing it", () => {
    const failure = new Error("boom")
    const report = ended(started().throw(failure))
    expect([report.ok, report.value, report.late]).toEqual([false, failure, null])
  })

  it("reports errors thrown in after the body ended as late, with the first outcome", () => {
    const main = started()
    ended(main.next(7))
    const first = new Error("first")
    const second = new Error("second")
    ended(main.throw(first))
    const report = ended(main.throw(second))
    expect([report.ok, report.value, report.late]).toEqual([true, 7, [first, second]])
  })

  it("reports the outcome again when its TaskEnded is resumed", () => {
    const main = started()
    ended(main.next(7))
    const again = ended(main.next(undefined))
    expect([again.ok, again.value]).toEqual([true, 7])
  })

  it("lets an error pass before it started, like a generator", () => {
    const main = new TaskMain(body(), null)
    const error = new Ping()
    expect(() => main.throw(error)).toThrow(Ping)
    expect(main.next(undefined)).toEqual({ done: true, value: undefined })
  })

  it("is finished once closed", () => {
    const main = started()
    expect(main.return(3)).toEqual({ done: true, value: 3 })
    expect(main.next(undefined)).toEqual({ done: true, value: undefined })
  })
})
