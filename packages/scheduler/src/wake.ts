/**
 * The promise the idle continuation waits on while the machine is parked: it settles when an
 * external wait settles (`fire`) or, with a real clock, when the next timer is due.
 */
export class WakeSignal {
  #resolve: (() => void) | null = null
  #timer: ReturnType<typeof setTimeout> | undefined = undefined

  /** A fresh signal; with `dueInMs`, it also fires after that many milliseconds. */
  next(dueInMs: number | undefined): Promise<void> {
    // A park abandoned by a stop never fired: its timer must not outlive it.
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    return new Promise<void>((resolve) => {
      this.#resolve = resolve
      // JS timers count whole milliseconds and may fire up to one early against the clock's
      // fractional time: round up, so a wake finds its timer due (no second park).
      if (dueInMs !== undefined)
        this.#timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(dueInMs) + 1))
    })
  }

  /** Settles the pending signal (if any) and clears its timer. */
  fire(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    const resolve = this.#resolve
    this.#resolve = null
    resolve?.()
  }
}
