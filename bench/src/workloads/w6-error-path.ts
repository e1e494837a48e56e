/**
 * W6: the error path. A sub-program throws a new `Error` and its caller catches it, once per
 * iteration. W6.pre throws one pre-allocated error instead, so the cost of `new Error()`
 * (its stack capture) is left out and what remains is the runtime's own error path.
 * Unit: ns per iteration.
 *
 * The floor is plain JS: a generator that `yield*`s a throwing generator inside
 * `try/catch`. effvm runs the child as a machine frame, so each throw also goes through
 * the enrichment dispatch of docs/semantics.md §5 (no handler installed: the error is thrown unchanged).
 */
import { fn, run } from "@effvm/vm-core"
import { Effect } from "effect"
import { run as effectionRun, type Operation } from "effection"
import { runSaga } from "redux-saga"
import { call } from "redux-saga/effects"
import { NA, okValue, times, verdict } from "../targets.js"
import type { Case, Workload } from "../types.js"

const preallocated = new Error("w6 pre-allocated")
const makeError = (i: number) => new Error(`w6 failure ${i}`)
const sameError = (_i: number) => preallocated

// The floor: throw/catch inside plain generators, driven by one gen.next().
function floorLoop(n: number, error: (i: number) => Error): number {
  function* child(i: number): Generator<never, never, unknown> {
    throw error(i)
  }
  function* loop(): Generator<never, number, unknown> {
    let s = 0
    for (let i = 0; i < n; i++) {
      try {
        yield* child(i)
      } catch {
        s += 1
      }
    }
    return s
  }
  return loop().next().value as number
}

// effvm: the child is a program, a frame of the machine.
const effvmChild = fn(function* failingChild(i: number, error: (i: number) => Error) {
  throw error(i)
})
const effvmLoop = fn(function* catchingLoop(n: number, error: (i: number) => Error) {
  let s = 0
  for (let i = 0; i < n; i++) {
    try {
      yield* effvmChild(i, error)
    } catch {
      s += 1
    }
  }
  return s
})

// Effect: the child fails with a typed error, the caller catches it with Effect.catch.
const effectLoop = (n: number, error: (i: number) => Error) =>
  Effect.gen(function* () {
    let s = 0
    for (let i = 0; i < n; i++) {
      s += yield* Effect.catch(
        Effect.gen(function* () {
          return yield* Effect.fail(error(i))
        }),
        () => Effect.succeed(1),
      )
    }
    return s
  })

// effection: operations are generators; the child throws, the caller catches.
function* effectionChild(i: number, error: (i: number) => Error): Operation<number> {
  throw error(i)
}
function* effectionLoop(n: number, error: (i: number) => Error): Operation<number> {
  let s = 0
  for (let i = 0; i < n; i++) {
    try {
      yield* effectionChild(i, error)
    } catch {
      s += 1
    }
  }
  return s
}

// redux-saga: the child saga is started with `call`; its throw reaches the caller's catch.
function* sagaChild(i: number, error: (i: number) => Error): Generator<never, never, unknown> {
  throw error(i)
}
function* sagaLoop(n: number, error: (i: number) => Error): Generator<unknown, number, unknown> {
  let s = 0
  for (let i = 0; i < n; i++) {
    try {
      yield call(sagaChild, i, error)
    } catch {
      s += 1
    }
  }
  return s
}
const runSagaLoop = (n: number, error: (i: number) => Error) =>
  runSaga({ onError: () => {} }, sagaLoop, n, error).toPromise() as Promise<number>

function bothForms(
  runtime: Case["runtime"],
  label: string,
  go: (n: number, error: (i: number) => Error) => number | Promise<number>,
): Case[] {
  return [
    {
      runtime,
      variant: "",
      label: `${label}, new Error`,
      group: "new",
      run: (n) => go(n, makeError),
    },
    {
      runtime,
      variant: "pre",
      label: `${label}, pre-allocated error`,
      group: "pre",
      vs: { floor: "pre", effvm: "pre" },
      run: (n) => go(n, sameError),
    },
  ]
}

const cases: Case[] = [
  ...bothForms("floor", "throw/catch in plain generators", floorLoop),
  ...bothForms("effvm", "sub-program throws, caller catches", (n, e) => run(effvmLoop(n, e))),
  ...bothForms("effect", "Effect.fail caught by Effect.catch", (n, e) =>
    Effect.runSync(effectLoop(n, e)),
  ),
  ...bothForms("effection", "operation throws, caller catches", (n, e) =>
    effectionRun(() => effectionLoop(n, e)),
  ),
  ...bothForms("redux-saga", "call(saga) throws, caller catches", runSagaLoop),
]

function ratioTarget(variant: string, limit: number, text: string): Workload["targets"][number] {
  return {
    workload: "W6",
    text,
    check(get) {
      const v = okValue(get("W6", "effvm", variant))
      const f = okValue(get("W6", "floor", variant))
      if (v === undefined || f === undefined) return NA(`missing effvm or floor ${variant}`)
      return { measured: times(v / f), status: verdict(v / f <= limit) }
    },
  }
}

export const workload: Workload = {
  id: "W6",
  title: "a sub-program throws, its caller catches (W6.pre: a pre-allocated error)",
  metric: { kind: "per-unit", unit: "ns/iteration" },
  sizes: [100_000],
  smokeSizes: [100],
  expected: (n) => n,
  cases,
  targets: [
    ratioTarget("", 1.3, "W6 ≤ 1.3× floor"),
    ratioTarget("pre", 2, "W6.pre ≤ 2× floor (enrichment is cheap)"),
  ],
}
