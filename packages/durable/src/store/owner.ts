import { randomUUID } from "node:crypto"
import { readFileSync } from "node:fs"
import { hostname } from "node:os"

/**
 * Who holds a claim, as a store on one machine records it: the host, the process id and
 * the process's start time (so a recycled pid is not mistaken for the dead holder), plus a
 * token unique to the claim (two claims from one process are told apart).
 */
export interface ClaimOwner {
  readonly host: string
  readonly pid: number
  readonly start: string
  readonly token: string
}

const thisHost = hostname()
const thisStart = processStart(process.pid)

/** A new owner record for a claim taken by this process. */
export function newOwner(): ClaimOwner {
  return { host: thisHost, pid: process.pid, start: thisStart, token: randomUUID() }
}

/** `host pid N` for messages. */
export function describeOwner(owner: { host: string; pid: number }): string {
  return `process ${owner.pid} on ${owner.host}`
}

/**
 * Whether the process that took a claim is still alive. A claim from another host cannot be
 * checked from here: it counts as alive (the store's docs say a file store serves one host).
 */
export function ownerAlive(owner: { host: string; pid: number; start: string }): boolean {
  if (owner.host !== thisHost) return true
  if (owner.pid === process.pid) return owner.start === thisStart
  try {
    process.kill(owner.pid, 0)
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
  return owner.start === "" || processStart(owner.pid) === owner.start
}

// Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. "" where there is no
// /proc (the pid check alone is used then).
function processStart(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return fields[19] ?? ""
  } catch {
    return ""
  }
}
