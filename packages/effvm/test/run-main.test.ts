// runMain in child processes: the exit code, what it prints, and real signals.
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const script = fileURLToPath(new URL("./fixtures/run-main.js", import.meta.url))

interface Ended {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Starts the fixture; `onReady` runs once it printed "ready" (the signal tests send one). */
function runFixture(mode: string, onReady?: (child: ChildProcess) => void): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, mode], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      if (onReady && stdout.includes("ready\n")) {
        const ready = onReady
        onReady = undefined
        ready(child)
      }
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe("runMain", () => {
  it("prints nothing on success and exits 0", async () => {
    const r = await runFixture("ok")

    expect(r).toEqual({ code: 0, stdout: "", stderr: "" })
  })

  it("prints the traceback with its task chain to stderr on failure and exits 1", async () => {
    const r = await runFixture("fails")

    expect(r.code).toBe(1)
    expect(r.stderr).toContain("effvm Traceback (most recent call last):")
    expect(r.stderr).toContain('── in task 2 "worker 7" (spawned at fails()')
    expect(r.stderr.trimEnd().endsWith("Error: worker 7 failed")).toBe(true)
  })

  it("turns SIGINT into a stop: the finally block runs and the exit code is 130", async () => {
    const r = await runFixture("waits", (child) => child.kill("SIGINT"))

    expect(r.stdout).toBe("ready\ncleanup ran\n")
    expect(r.code).toBe(130)
  })

  it("turns SIGTERM into a stop: the finally block runs and the exit code is 143", async () => {
    const r = await runFixture("waits", (child) => child.kill("SIGTERM"))

    expect(r.stdout).toBe("ready\ncleanup ran\n")
    expect(r.code).toBe(143)
  })
})
