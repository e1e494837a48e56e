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
    const sleepMs = 1500
    const first = start(file, "nap", sleepMs)
    while (first.stamps.length === 0) await new Promise((r) => setTimeout(r, 10))
    await new Promise((r) => setTimeout(r, 200))
    first.proc.kill("SIGKILL")
    await first.exit

    const store = sqliteStore(file)
    const entries = store.load("nap")!.entries as { type: string; now?: number }[]
    await store.close()
    // The deadline was computed from the clock reading stored before the sleep began.
    const reading = entries.filter((e) => e.type === "clock").at(-1)!.now!
    const wake = reading + sleepMs

    const second = start(file, "nap", sleepMs)
    await second.exit
    expect(second.stamps.map((s) => s.step)).toEqual([2])
    const woke = second.stamps[0]!.at
    expect(woke).toBeGreaterThanOrEqual(wake)
    // Started again from the resumption, the sleep would end some 500 ms later.
    expect(woke - wake).toBeLessThan(250)
  }, 20_000)
})
