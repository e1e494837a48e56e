/**
 * W30: what recording a journal costs per effect. A program performs `size` (10⁶) trivial
 * effects answered by a fast-path handler outside it (the `handlers` option): unrecorded
 * (`runOutcomeAsync`), recorded into an in-memory journal (`record`, one `answer` entry per
 * perform), and replayed from that journal (`replay`, the handler not called). Unit: ns per
 * perform. Target: recording within 2× of the unrecorded perform, both timed alternately in
 * the recorded row's process (the target's `compares`).
 */
import { type Journal, record, replay } from "@effvm/durable"
import { runOutcomeAsync } from "@effvm/vm-core"
import * as effvm from "../runtimes/effvm.js"
import { ratioTarget } from "../targets.js"
import type { Case, CaseRef, Workload } from "../types.js"

const RECORDED: CaseRef = { runtime: "effvm", variant: "recorded" }
const UNRECORDED: CaseRef = { runtime: "effvm", variant: "unrecorded" }

function sumOf(outcome: { status: string; value?: unknown; error?: unknown }): number {
  if (outcome.status !== "done") throw outcome.error ?? new Error(`run ${outcome.status}`)
  return outcome.value as number
}

const journals = new Map<number, Journal>()

async function journalOf(n: number): Promise<Journal> {
  let journal = journals.get(n)
  if (journal === undefined) {
    journal = (await record(effvm.tickLoop(n), { handlers: [effvm.fastTick()] })).journal
    journals.set(n, journal)
  }
  return journal
}

const cases: Case[] = [
  {
    runtime: "effvm",
    variant: "unrecorded",
    label: "outside handler, runOutcomeAsync",
    run: async (n) =>
      sumOf(await runOutcomeAsync(effvm.tickLoop(n), { handlers: [effvm.fastTick()] })),
  },
  {
    runtime: "effvm",
    variant: "recorded",
    label: "record (in-memory journal)",
    run: async (n) =>
      sumOf((await record(effvm.tickLoop(n), { handlers: [effvm.fastTick()] })).outcome),
  },
  {
    runtime: "effvm",
    variant: "replayed",
    label: "replay (no handler called)",
    run: async (n) => {
      const journal = await journalOf(n)
      return sumOf(await replay(effvm.tickLoop(n), journal, { handlers: [effvm.fastTick()] }))
    },
  },
]

export const workload: Workload = {
  id: "W30",
  title: "journal: record and replay an outside effect",
  metric: { kind: "per-unit", unit: "ns/perform" },
  sizes: [1_000_000],
  smokeSizes: [100],
  expected: (n) => n,
  cases,
  targets: [
    ratioTarget(
      "W30",
      "W30 recording ≤ 2× an unrecorded perform",
      RECORDED,
      UNRECORDED,
      (r) => r <= 2,
    ),
  ],
}
