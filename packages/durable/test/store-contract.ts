// The rules every Store keeps (src/store/store.ts), as one suite run against each store.
import { spawn } from "node:child_process"
import { once } from "node:events"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { RunClaimedError, type Store, type StoredJson } from "../src/store/store.js"

export interface StoreUnderTest {
  /** A fresh store (its own database or file). */
  open(): Promise<Store>
  /** Another store object on the same database or file as `store`. */
  openAgain(store: Store): Promise<Store>
  /** Arguments for test/fixtures/hold-claim.mjs to open the same store from a child process. */
  childArgs(store: Store): string[]
}

const holdClaim = fileURLToPath(new URL("./fixtures/hold-claim.mjs", import.meta.url))

export function storeContract(subject: StoreUnderTest): void {
  const withStore = async (body: (store: Store) => Promise<void>) => {
    const store = await subject.open()
    try {
      await body(store)
    } finally {
      await store.close()
    }
  }

  it("load of an id the store never saw is undefined", () =>
    withStore(async (store) => {
      expect(await store.load("nobody")).toBeUndefined()
    }))

  it("a first claim creates the run with its meta and an empty journal", () =>
    withStore(async (store) => {
      const claim = await store.claim("run-1", { program: "checkout", version: 1 })
      expect(claim.run).toEqual({
        id: "run-1",
        entries: [],
        outcome: undefined,
        meta: { program: "checkout", version: 1 },
      })
      await claim.release()
    }))

  it("appended entries are read back in order, exactly, by load and by the next claim", () =>
    withStore(async (store) => {
      const entries: StoredJson[] = [
        { type: "answer", value: { s: "héllo ✓", n: -0.5, list: [1, null, true] } },
        { type: "clock", now: 1_765_000_000_123 },
        "plain",
        42,
      ]
      const claim = await store.claim("run-2")
      await claim.append(0, entries.slice(0, 1))
      await claim.append(1, entries.slice(1))
      await claim.release()
      expect((await store.load("run-2"))?.entries).toEqual(entries)
      const again = await store.claim("run-2")
      expect(again.run.entries).toEqual(entries)
      await again.release()
    }))

  it("an append at a position other than the stored count is refused and writes nothing", () =>
    withStore(async (store) => {
      const claim = await store.claim("run-3")
      await claim.append(0, ["a", "b"])
      await expect(async () => claim.append(5, ["gap"])).rejects.toThrow(
        /position 5, but its journal holds 2 entries/,
      )
      await expect(async () => claim.append(1, ["overwrite"])).rejects.toThrow(/position 1/)
      await claim.release()
      expect((await store.load("run-3"))?.entries).toEqual(["a", "b"])
    }))

  it("finish stores the outcome and frees the run", () =>
    withStore(async (store) => {
      const claim = await store.claim("run-4")
      await claim.append(0, ["e"])
      await claim.finish({ status: "done", value: { total: 3 } })
      expect((await store.load("run-4"))?.outcome).toEqual({ status: "done", value: { total: 3 } })
      const after = await store.claim("run-4")
      expect(after.run.outcome).toEqual({ status: "done", value: { total: 3 } })
      await after.release()
    }))

  it("a second claim of a claimed run fails at once with RunClaimedError naming the run", () =>
    withStore(async (store) => {
      const first = await store.claim("run-5")
      const second = (async () => store.claim("run-5"))()
      await expect(second).rejects.toBeInstanceOf(RunClaimedError)
      await expect(second).rejects.toThrow(/run "run-5" is already claimed/)
      await first.release()
    }))

  it("a released claim lets the next claim in, which sees what was stored", () =>
    withStore(async (store) => {
      const first = await store.claim("run-6")
      await first.append(0, [1, 2])
      await first.release()
      const second = await store.claim("run-6")
      expect(second.run.entries).toEqual([1, 2])
      await second.append(2, [3])
      await second.release()
      expect((await store.load("run-6"))?.entries).toEqual([1, 2, 3])
    }))

  it("an append after finish or release is refused", () =>
    withStore(async (store) => {
      const claim = await store.claim("run-7")
      await claim.release()
      await expect(async () => claim.append(0, ["late"])).rejects.toThrow(
        /append on run "run-7" after its claim ended/,
      )
    }))

  it("close lets go of the claims still held", async () => {
    const store = await subject.open()
    await store.claim("run-8")
    const reopened = await subject.openAgain(store)
    await store.close()
    try {
      const claim = await reopened.claim("run-8")
      await claim.release()
    } finally {
      await reopened.close()
    }
  })

  it("a claim held by another live process is refused; once that process is killed it is free", () =>
    withStore(async (store) => {
      const child = spawn(process.execPath, [holdClaim, ...subject.childArgs(store), "run-9"], {
        stdio: ["ignore", "pipe", "inherit"],
      })
      try {
        const [line] = (await once(child.stdout!, "data")) as [Buffer]
        expect(line.toString()).toContain("claimed")
        const refused = (async () => store.claim("run-9"))()
        await expect(refused).rejects.toBeInstanceOf(RunClaimedError)
        await expect(refused).rejects.toThrow(new RegExp(`process ${child.pid}`))
      } finally {
        child.kill("SIGKILL")
        await once(child, "exit")
      }
      const claim = await retry(() => store.claim("run-9"))
      expect(claim.run.entries).toEqual(["from the child"])
      await claim.release()
    }))
}

// A killed process's claim is freed when the server sees its connection close (Postgres):
// a few ms after the kill, not at once.
async function retry<T>(attempt: () => T | Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt()
    } catch (error) {
      if (!(error instanceof RunClaimedError) || i >= 100) throw error
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}
