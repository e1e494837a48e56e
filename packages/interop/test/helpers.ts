import { afterEach, beforeEach } from "vitest"

/** The error `f` throws (fails the test when it throws nothing). */
export function thrownBy(f: () => unknown): unknown {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected an error, but nothing was thrown")
}

/** Collects unhandled promise rejections seen during each test of the calling suite. */
export function watchUnhandledRejections(): unknown[] {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  beforeEach(() => {
    unhandled.length = 0
    process.on("unhandledRejection", onUnhandled)
  })
  afterEach(() => {
    process.off("unhandledRejection", onUnhandled)
  })
  return unhandled
}

/** Lets every pending promise callback and immediate run. */
export function settleCallbacks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
