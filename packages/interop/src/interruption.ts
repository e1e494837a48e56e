import {
  AwaitExternal,
  awaitExternal,
  type Continuation,
  type HandlerDef,
  handler,
  Interrupt,
  Transfer,
  TransferThrow,
  type Yielded,
} from "@effvm/vm-core"

/**
 * The Effect fiber running a program (see `toEffect`) was interrupted. Thrown into the
 * scheduler's wait, it makes the scheduler cancel every task (their `finally` blocks run)
 * and end the run with this error.
 */
export class FiberInterruption extends Interrupt {
  constructor() {
    super("The Effect fiber running this program was interrupted")
  }
}

type Settled = { readonly ok: true; value: unknown } | { readonly ok: false; error: unknown }
const INTERRUPTED = Symbol("interrupted")

/**
 * Carries an Effect interruption into a machine parked outside it. The bridge's handler
 * sits right outside `scheduled`, where it sees the one wait the scheduler performs when
 * every task is waiting (its park on a JS promise): it waits on that promise or on the
 * interruption, whichever comes first, and throws the interruption into the park once.
 * Later parks (tasks awaiting asynchronous cleanup) wait normally.
 */
export class InterruptBridge {
  #request: (() => void) | null = null
  readonly #requested = new Promise<typeof INTERRUPTED>((resolve) => {
    this.#request = () => resolve(INTERRUPTED)
  })
  #delivered = false
  readonly handler: HandlerDef

  constructor() {
    const bridge = this
    this.handler = handler(
      function* effectInterruption(
        effect: AwaitExternal<unknown>,
        k: Continuation<unknown>,
      ): Generator<Yielded, unknown, unknown> {
        if (bridge.#delivered) return yield* Transfer(k, yield* awaitExternal(effect.promise))
        const outcome = yield* awaitExternal(
          Promise.race([settle(effect.promise), bridge.#requested]),
        )
        if (outcome === INTERRUPTED) {
          bridge.#delivered = true
          return yield* TransferThrow(k, new FiberInterruption())
        }
        const settled = outcome as Settled
        return yield* settled.ok ? Transfer(k, settled.value) : TransferThrow(k, settled.error)
      },
      { handles: [AwaitExternal] },
    )
  }

  /** Asks the machine to stop; delivered at its next park (it is parked whenever JS runs this). */
  interrupt(): void {
    this.#request?.()
    this.#request = null
  }
}

function settle(promise: PromiseLike<unknown>): Promise<Settled> {
  return Promise.resolve(promise).then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  )
}
