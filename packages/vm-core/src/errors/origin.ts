import type { Frame } from "../machine/frames.js"

/**
 * Where an error was raised, kept on the error itself (no global map, SPEC §5): the frame
 * that was running, from which the traceback walks outwards.
 */
export interface ErrorOrigin {
  /** The frame that raised the error. */
  readonly frame: Frame | null
  /** Perform sites in other tasks the error was thrown into afterwards, innermost first. */
  readonly crossings: Frame[]
}

const originKey: unique symbol = Symbol.for("effvm.origin")

/** @internal records the raising frame once; later records keep the first. */
export function recordOrigin(error: unknown, frame: Frame | null): void {
  if (error === null || typeof error !== "object" || originKey in error) return
  try {
    Object.defineProperty(error, originKey, {
      value: { frame, crossings: [] } satisfies ErrorOrigin,
      configurable: true,
      enumerable: false,
      writable: true,
    })
  } catch {
    // frozen errors carry no origin
  }
}

/** @internal records that `error` was thrown into another task at `frame`. */
export function recordCrossing(error: unknown, frame: Frame | null): void {
  const origin = originOf(error)
  if (origin === undefined) recordOrigin(error, frame)
  else if (frame !== null) origin.crossings.push(frame)
}

/** @internal the recorded origin of `error`, if any. */
export function originOf(error: unknown): ErrorOrigin | undefined {
  if (error === null || typeof error !== "object") return undefined
  return (error as { [originKey]?: ErrorOrigin })[originKey]
}
