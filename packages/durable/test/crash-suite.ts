// The crash tests, for any store: a child process runs a durable workload (10 tasks, real
// sleeps, each effect writing a row to the same database) and is killed with SIGKILL at
// random moments, 20 times, resumed in a new process each time.
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { checkEntry } from "../src/journal/format.js"
import type { Store } from "../src/store/store.js"

const child = fileURLToPath(new URL("./fixtures/crash-child.mjs", import.meta.url))

export const TASKS = 10
export const STEPS = 36
const KILLS = 20

/** A row the workload's outside handler wrote: one execution of one effect. */
export interface EffectRow {
  readonly key: string
  readonly task: number
  readonly step: number
  readonly pid: number
}

export interface CrashSubject {
  readonly kind: "sqlite" | "postgres"
  /** The database or file the child processes open. */
  location(): string
  /** A store on that location, for the test's own reads. */
  store(): Store
  /** The rows the workload wrote for run `id`. */
  rows(id: string): Promise<EffectRow[]>
}

interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

interface Started {
  readonly process: ChildProcess
  /** Settles when the run is live in the process. */
  readonly running: Promise<void>
  /** Settles when `n` effects have written their rows since the process started. */
  effects(n: number): Promise<void>
  readonly exit: Promise<Exit>
}

function start(subject: CrashSubject, id: string): Started {
  const proc = spawn(
    process.execPath,
    [child, subject.kind, subject.location(), id, String(TASKS), String(STEPS)],
    { stdio: ["ignore", "pipe", "pipe"] },
  )
  let stdout = ""
  let stderr = ""
  let markRunning: () => void = () => {}
  const running = new Promise<void>((resolve) => {
    markRunning = resolve
  })
  let written = 0
  const waiting: { n: number; resolve: () => void }[] = []
  const settleWaiting = () => {
    for (const w of waiting.filter((w) => written >= w.n)) {
      waiting.splice(waiting.indexOf(w), 1)
      w.resolve()
    }
  }
  proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
    if (stdout.includes("running\n")) markRunning()
    for (const c of chunk) if (c === "+") written++
    settleWaiting()
  })
  proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  const exit = new Promise<Exit>((resolve) =>
    proc.on("exit", (code, signal) => {
      markRunning()
      written = Number.POSITIVE_INFINITY
      settleWaiting()
      resolve({ code, signal, stdout, stderr })
    }),
  )
  const effects = (n: number) =>
    new Promise<void>((resolve) => {
      waiting.push({ n, resolve })
      settleWaiting()
    })
  return { process: proc, running, effects, exit }
}

function outputOf(exit: Exit): unknown {
  if (exit.code !== 0) throw new Error(`the workload failed (exit ${exit.code}):\n${exit.stderr}`)
  return JSON.parse(exit.stdout.split("\n").find((l) => l.startsWith("{"))!).value
}

// A seeded generator, so a failing schedule of kills can be reproduced from its seed.
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function groupByKey(rows: readonly EffectRow[]): Map<string, EffectRow[]> {
  const byKey = new Map<string, EffectRow[]>()
  for (const row of rows) {
    const list = byKey.get(row.key)
    if (list === undefined) byKey.set(row.key, [row])
    else list.push(row)
  }
  return byKey
}

const positionOf = (key: string) => Number(key.slice(key.lastIndexOf(":") + 1))

export function crashSuite(subject: CrashSubject): void {
  it("killed with SIGKILL 20 times and resumed in a new process each time, the run ends as an uninterrupted one and no stored effect ran twice", async () => {
    const expected = outputOf(await start(subject, "baseline").exit)
    // Kills land at random moments, counted in the workload's progress, not in time (which
    // a loaded machine stretches): after 2.5 to 15 effects of a process, plus up to 3 ms,
    // so that the 20 processes do some 70% of the work between them and never all of it
    // (at most 300 of its 360 effects); the last process finishes it.
    const slice = (TASKS * STEPS * 0.7) / KILLS

    const seed = Number(process.env.EFFVM_CRASH_SEED ?? Date.now() % 1_000_000)
    const next = random(seed)
    const store = subject.store()
    const kills: { pid: number; stored: number }[] = []
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const run = start(subject, "crashed")
        await run.running
        await run.effects(Math.floor(slice * (0.2 + next())))
        await new Promise((r) => setTimeout(r, 3 * next()))
        run.process.kill("SIGKILL")
        const exit = await run.exit
        expect(
          exit.signal,
          `seed ${seed}: kill ${kill + 1} came after the run ended:\n${exit.stderr}`,
        ).toBe("SIGKILL")
        // A torn write never corrupts the journal: what is stored is a whole prefix.
        const stored = (await store.load("crashed"))!
        expect(stored.outcome).toBeUndefined()
        stored.entries.forEach((entry, i) => {
          checkEntry(entry, i, "the stored journal")
        })
        kills.push({ pid: run.process.pid!, stored: stored.entries.length })
      }
      const value = outputOf(await start(subject, "crashed").exit)
      expect(value).toEqual(expected)

      const final = (await store.load("crashed"))!
      expect(final.outcome).toEqual({ status: "done", value: expected })
      const answers = final.entries.filter((e) => (e as { type: string }).type === "answer")
      expect(answers).toHaveLength(TASKS * STEPS)
      // The journal grew across the kills: each process went on where the last one ended.
      expect(kills[KILLS - 1]!.stored).toBeGreaterThan(kills[0]!.stored)

      const rows = await subject.rows("crashed")
      // Every effect ran; an effect keeps one key however often it ran.
      const keyOf = new Map<string, string>()
      for (const row of rows) {
        const effect = `${row.task}/${row.step}`
        expect(keyOf.get(effect) ?? row.key, `seed ${seed}: effect ${effect}`).toBe(row.key)
        keyOf.set(effect, row.key)
      }
      expect(keyOf.size).toBe(TASKS * STEPS)
      // An effect ran again only if it was in flight when its process was killed: its
      // answer was not stored yet. So at most one per kill.
      const killedAt = new Map(kills.map((k) => [k.pid, k.stored]))
      const byKey = groupByKey(rows)
      let again = 0
      for (const [key, runs] of byKey) {
        if (runs.length === 1) continue
        again += runs.length - 1
        for (const earlier of runs.slice(0, -1)) {
          const stored = killedAt.get(earlier.pid)
          expect(
            stored,
            `seed ${seed}: ${key} ran twice, first in a process that was not killed`,
          ).toBeDefined()
          expect(
            positionOf(key),
            `seed ${seed}: ${key} ran again though its answer was stored`,
          ).toBeGreaterThanOrEqual(stored!)
        }
      }
      if (process.env.EFFVM_CRASH_DEBUG)
        console.log(
          `seed ${seed}: ${again} effects ran again`,
          kills.map((k) => k.stored),
        )
      expect(again).toBeLessThanOrEqual(KILLS)
    } finally {
      await store.close()
    }
  }, 240_000)

  it("two processes resuming one run at once: one runs it, the other is refused; nothing is lost or doubled", async () => {
    const first = start(subject, "contended")
    await first.running
    await new Promise((r) => setTimeout(r, 150))
    first.process.kill("SIGKILL")
    await first.exit
    const store = subject.store()
    let storedBefore: number
    try {
      storedBefore = (await store.load("contended"))!.entries.length
    } finally {
      await store.close()
    }

    const [a, b] = [start(subject, "contended"), start(subject, "contended")]
    const exits = await Promise.all([a.exit, b.exit])
    const codes = exits.map((e) => e.code).sort()
    expect(codes, exits.map((e) => e.stderr).join("\n")).toEqual([0, 3])
    const refused = exits.find((e) => e.code === 3)!
    expect(refused.stderr).toMatch(
      /RunClaimedError: run "contended" is already claimed by process \d+/,
    )
    const winner = exits.find((e) => e.code === 0)!
    expect(outputOf(winner)).toEqual(outputOf(await start(subject, "baseline").exit))

    const rows = await subject.rows("contended")
    const losers = new Set([a, b].filter((_, i) => exits[i]!.code === 3).map((p) => p.process.pid))
    expect(rows.filter((r) => losers.has(r.pid))).toEqual([])
    const byKey = groupByKey(rows)
    expect(byKey.size).toBe(TASKS * STEPS)
    for (const [key, runs] of byKey) {
      if (runs.length > 1) expect(positionOf(key)).toBeGreaterThanOrEqual(storedBefore)
    }
  }, 120_000)
}
