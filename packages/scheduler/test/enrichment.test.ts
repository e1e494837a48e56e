import {
  Effect,
  fn,
  formatTraceback,
  GetExecutionContext,
  getExecutionContext,
  handler,
  program,
  run,
  runAsync,
  Transfer,
  TransferThrow,
  withHandler,
  type Yielded,
} from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import {
  awaitPromise,
  gather,
  gatherSettled,
  race,
  scheduled,
  sleep,
  spawn,
  VirtualClock,
  wait,
} from "../src/index.js"
import { boundaryChain, runVirtual, spawnBoundaries, thrownBy } from "./helpers.js"

const leafWorker = fn(function* leafWorker(id: string): Generator<Yielded, never, unknown> {
  yield* sleep(1)
  throw new Error(`corrupt data for item ${id}`)
})

const okWorker = fn(function* okWorker(id: string): Generator<Yielded, string, unknown> {
  yield* sleep(1)
  return id
})

/** The line number of the caller of this function. */
function lineHere(): number {
  const line = new Error().stack!.split("\n")[2]!
  return Number(/:(\d+):\d+\)?$/.exec(line)![1])
}

describe("spawn-chain enrichment", () => {
  it("gives an error thrown in a task that task's spawn boundary", () => {
    const main = program(function* main() {
      return yield* wait(yield* spawn(leafWorker("1"), { name: "leaf" }))
    })

    expect(boundaryChain(thrownBy(() => runVirtual(main)))).toEqual(["2:leaf"])
  })

  it("records the task id, name, parent id and spawn site in the boundary", () => {
    let spawnLine = 0
    const parent = program(function* parentTask() {
      spawnLine = lineHere() + 1
      const leaf = yield* spawn(leafWorker("x"), { name: "leaf" })
      return yield* wait(leaf)
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(parent, { name: "parent" }))
    })

    const [leaf] = spawnBoundaries(thrownBy(() => runVirtual(main)))
    expect(leaf).toMatchObject({ kind: "spawn_boundary", taskId: 3, name: "leaf", parentId: 2 })
    expect(leaf!.spawnSite).toBe(
      `parentTask() packages/scheduler/test/enrichment.test.ts:${spawnLine}`,
    )
  })

  it("ends a leaf failing three tasks deep with the boundaries leaf, batch (innermost first)", () => {
    const batchWorker = fn(function* batchWorker(n: number): Generator<Yielded, string[], unknown> {
      return yield* gather(okWorker(`${n}-1`), leafWorker(`${n}-2`))
    })
    const orchestrator = program(function* orchestrator() {
      const b1 = yield* spawn(batchWorker(1), { name: "batch 1" })
      const b2 = yield* spawn(batchWorker(2), { name: "batch 2" })
      return yield* gather(b1, b2)
    })

    const error = thrownBy(() => runVirtual(orchestrator))
    expect((error as Error).message).toBe("corrupt data for item 1-2")
    expect(boundaryChain(error)).toEqual(["5:leafWorker", "2:batch 1"])
  })

  it("renders a three-deep traceback with both task separators in order and the throw line last", () => {
    const batchWorker = fn(function* batchWorker(n: number): Generator<Yielded, string[], unknown> {
      const leaves = [
        yield* spawn(okWorker(`${n}-1`)),
        yield* spawn(leafWorker(`${n}-2`), { name: `leaf ${n}-2` }),
      ]
      return yield* gather(...leaves)
    })
    const orchestrator = program(function* orchestrator() {
      const b1 = yield* spawn(batchWorker(1), { name: "batch 1" })
      const b2 = yield* spawn(batchWorker(2), { name: "batch 2" })
      return yield* gather(b1, b2)
    })

    const text = formatTraceback(thrownBy(() => runVirtual(orchestrator)))
    const batch = text.indexOf('── in task 2 "batch 1" (spawned at orchestrator() ')
    const leaf = text.indexOf('── in task 5 "leaf 1-2" (spawned at batchWorker(1) ')
    // Errors suppressed during teardown are rendered first: the raise is the last one.
    const raise = text.lastIndexOf("throw new Error(`corrupt data for item $" + "{id}`)")
    expect(batch).toBeGreaterThan(0)
    expect(leaf).toBeGreaterThan(batch)
    expect(raise).toBeGreaterThan(leaf)
    expect(text.trimEnd().endsWith("Error: corrupt data for item 1-2")).toBe(true)
  })

  it("keeps distinct chains for two concurrent tasks failing with equal messages", () => {
    const errors: unknown[] = []
    const main = program(function* main() {
      const first = yield* spawn(leafWorker("same"), { name: "first" })
      const second = yield* spawn(leafWorker("same"), { name: "second" })
      for (const task of [first, second]) {
        try {
          yield* wait(task)
        } catch (error) {
          errors.push(error)
        }
      }
    })

    runVirtual(main)
    expect(errors.map((e) => (e as Error).message)).toEqual([
      "corrupt data for item same",
      "corrupt data for item same",
    ])
    expect(errors.map(boundaryChain)).toEqual([["2:first"], ["3:second"]])
  })

  it("gives an unhandled effect in a task the task's boundary before it crosses", () => {
    class Missing extends Effect<number> {}
    const child = program(function* child() {
      return yield* new Missing()
    })
    const parent = program(function* parent() {
      return yield* wait(yield* spawn(child, { name: "child" }))
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(parent, { name: "parent" }))
    })

    const error = thrownBy(() => runVirtual(main))
    expect((error as Error).name).toBe("UnhandledEffectError")
    expect(boundaryChain(error)).toEqual(["3:child", "2:parent"])
  })

  it("gives a handler's error in a task the task's boundary before it crosses", () => {
    class Query extends Effect<string> {}
    const strict = handler((_eff: Query, k) => TransferThrow(k, new Error("query refused")), {
      handles: [Query],
    })
    const child = program(function* child() {
      return yield* new Query()
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(withHandler(strict, child), { name: "querying" }))
    })

    expect(boundaryChain(thrownBy(() => runVirtual(main)))).toEqual(["2:querying"])
  })

  it("gives a rejected external promise the task's boundary when it crosses", async () => {
    const child = program(function* child() {
      return yield* awaitPromise(Promise.reject(new Error("fetch failed")))
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(child, { name: "fetcher" }))
    })

    const error = await runAsync(scheduled(main)).catch((e: unknown) => e)
    expect(boundaryChain(error)).toEqual(["2:fetcher"])
  })

  it("gives an unobserved child failure the child's and the parent's boundaries", () => {
    const parent = program(function* parent() {
      yield* spawn(leafWorker("orphan"), { name: "orphan" })
      yield* sleep(100)
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(parent, { name: "parent" }))
    })

    expect(boundaryChain(thrownBy(() => runVirtual(main)))).toEqual(["3:orphan", "2:parent"])
  })

  it("lets handlers outside scheduled enrich first (the scheduler delegates)", () => {
    const requestInfo = handler(
      function* requestInfo(eff: GetExecutionContext, k) {
        eff.context.add({ kind: "request", id: "r-42" })
        return yield* Transfer(k, eff.context)
      },
      { handles: [GetExecutionContext] },
    )
    const main = program(function* main() {
      return yield* wait(yield* spawn(leafWorker("1"), { name: "leaf" }))
    })

    const error = thrownBy(() =>
      run(withHandler(requestInfo, scheduled(main, { clock: new VirtualClock() }))),
    )
    const kinds = getExecutionContext(error)!.entries.map((e) => e.kind)
    expect(kinds.slice(0, 2)).toEqual(["request", "spawn_boundary"])
  })

  it("adds no boundary for the root task", () => {
    const main = program(function* main() {
      yield* sleep(1)
      throw new Error("in the root")
    })

    const error = thrownBy(() => runVirtual(main))
    expect(getExecutionContext(error)?.entries).toEqual([])
  })

  it("answers GetExecutionContext performed by a task with its boundary", () => {
    const inspector = program(function* inspector() {
      const context = yield* new GetExecutionContext(new Error("probe"))
      return context.entries.map((e) => `${e.kind}:${String(e.name)}`)
    })
    const main = program(function* main() {
      return yield* wait(yield* spawn(inspector, { name: "inspector" }))
    })

    expect(runVirtual(main)).toEqual(["spawn_boundary:inspector"])
  })

  it("uses the gather call as the spawn site of the programs gather spawns", () => {
    let gatherLine = 0
    const main = program(function* gatherer() {
      gatherLine = lineHere() + 1
      return yield* gather(okWorker("a"), leafWorker("b"))
    })

    const [leaf] = spawnBoundaries(thrownBy(() => runVirtual(main)))
    expect(String(leaf!.spawnSite)).toBe(
      `gatherer() packages/scheduler/test/enrichment.test.ts:${gatherLine}`,
    )
  })

  it("uses the race call as the spawn site of the programs race spawns", () => {
    let raceLine = 0
    const main = program(function* racer() {
      raceLine = lineHere() + 1
      return yield* race(leafWorker("b"), okWorker("a"))
    })

    const [leaf] = spawnBoundaries(thrownBy(() => runVirtual(main)))
    expect(String(leaf!.spawnSite)).toBe(
      `racer() packages/scheduler/test/enrichment.test.ts:${raceLine}`,
    )
  })

  it("uses the gatherSettled call as the spawn site of the programs it spawns", () => {
    let gatherLine = 0
    const main = program(function* settler() {
      gatherLine = lineHere() + 1
      const [failed] = yield* gatherSettled(leafWorker("b"), okWorker("a"))
      if (failed!.ok) return "unexpected success"
      throw failed!.error
    })

    const [leaf] = spawnBoundaries(thrownBy(() => runVirtual(main)))
    expect(String(leaf!.spawnSite)).toBe(
      `settler() packages/scheduler/test/enrichment.test.ts:${gatherLine}`,
    )
  })

  it("names the line that called spawn when user code wraps spawn in a helper", () => {
    let helperLine = 0
    function startLeaf() {
      helperLine = lineHere() + 1
      return spawn(leafWorker("w"), { name: "leaf" })
    }
    const main = program(function* wrapper() {
      return yield* wait(yield* startLeaf())
    })

    const [leaf] = spawnBoundaries(thrownBy(() => runVirtual(main)))
    expect(String(leaf!.spawnSite)).toBe(
      `startLeaf() packages/scheduler/test/enrichment.test.ts:${helperLine}`,
    )
  })

  it("keeps a failed task's spawn site for its failure enriched after the task finished", () => {
    // An unhandled effect is not enriched in the task: its boundary, with the spawn site,
    // is added when the failure crosses into the parent, after the child has finished.
    class Missing extends Effect<number> {}
    const child = program(function* child() {
      return yield* new Missing()
    })
    let spawnLine = 0
    const main = program(function* bystander() {
      spawnLine = lineHere() + 1
      yield* spawn(child, { name: "child" })
      yield* sleep(5) // the child fails and finishes first; its failure is thrown in here
      return "not reached"
    })

    const [boundary] = spawnBoundaries(thrownBy(() => runVirtual(main)))
    expect(boundary).toMatchObject({ name: "child" })
    expect(String(boundary!.spawnSite)).toBe(
      `bystander() packages/scheduler/test/enrichment.test.ts:${spawnLine}`,
    )
  })
})
