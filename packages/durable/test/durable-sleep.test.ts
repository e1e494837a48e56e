import { spawn } from "node:child_process"
import { once } from "node:events"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { sqliteStore } from "../src/store/sqlite.js"

const child = fileURLToPath(new URL("./fixtures/sleep-child.mjs", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "effvm-durable-sleep-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function start(file: string, id: string, sleepMs: number) {
  const proc = spawn(process.execPath, [child, file, id, String(sleepMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  })
  const stamps: { step: number; at: number }[] = []
  proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) if (line.startsWith("{")) stamps.push(JSON.parse(line))
  })
  return { proc, stamps, exit: once(proc, "exit") }
}

describe("durable sleeps on the real clock", () => {
  // The real clock is the subject here: the sleep must span two processes.
  it("a sleep under way when its process is killed ends at its original wake time in the next", async () => {
    const file = join(dir, "sleep.db")
    const sleepMs = 2000
    const first = start(file, "nap", sleepMs)
    while (first.stamps.length === 0) await new Promise((r) => setTimeout(r, 10))
    // Killed well into the sleep, so that a sleep started over at the resumption would end
    // far later than any delay a loaded machine adds to the right one.
    await new Promise((r) => setTimeout(r, 1200))
    first.proc.kill("SIGKILL")
    await first.exit

    const store = sqliteStore(file)
    const entries = store.load("nap")!.entries as { type: string; now?: number }[]
    await store.close()
    // The deadline was computed from the first clock reading after the first effect (later
    // readings, taken by scheduling rounds while the sleep was under way, set nothing).
    const stamped = first.stamps[0]!.at
    const reading = entries.find((e) => e.type === "clock" && e.now! >= stamped)!.now!
    const wake = reading + sleepMs

    const second = start(file, "nap", sleepMs)
    await second.exit
    expect(second.stamps.map((s) => s.step)).toEqual([2])
    const woke = second.stamps[0]!.at
    // Wall time, read in two processes: allow the few milliseconds a loaded machine's
    // Date.now() was once seen to lag the reading that found the timer due.
    expect(woke).toBeGreaterThanOrEqual(wake - 5)
    // Started again from the resumption, the sleep would end 1,200 ms or more later.
    expect(woke - wake).toBeLessThan(800)
  }, 20_000)
})
