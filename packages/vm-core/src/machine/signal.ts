import { Effect } from "../effect.js"

/**
 * A one-shot wake-up between tasks for packages that cannot depend on the scheduler (a
 * `lazy` reader value computed by one task while others ask for it). `fire()` wakes every
 * task waiting in `WaitSignal` on it; firing twice does nothing.
 */
export class Signal {
  fired = false
  #listeners: (() => void)[] | null = null

  /** Calls `listener` once, when the signal fires (at once if it already has). */
  listen(listener: () => void): void {
    if (this.fired) listener()
    else (this.#listeners ??= []).push(listener)
  }

  fire(): void {
    if (this.fired) return
    this.fired = true
    const listeners = this.#listeners
    this.#listeners = null
    if (listeners !== null) for (const listener of listeners) listener()
  }
}

/**
 * Waits until `signal` fires: a scheduler blocks the task meanwhile (its other tasks go
 * on); it evaluates to `undefined`.
 */
export class WaitSignal extends Effect<void> {
  constructor(
    readonly signal: Signal,
    /** What the waiting task waits for, for deadlock reports. */
    readonly what: string,
  ) {
    super()
  }
  /** How messages and tracebacks show it. */
  override toString(): string {
    return `wait(${this.what})`
  }
}
