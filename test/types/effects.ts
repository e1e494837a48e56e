// Effects shared by the type tests: declared as the docs show, each with its own identity.
import { Effect } from "@effvm/vm-core"

export class Ask<T> extends Effect<T> {
  declare protected readonly effectIdentity: unknown
  constructor(readonly key: string) {
    super()
  }
}

export class Ping extends Effect<string> {
  declare protected readonly effectIdentity: unknown
}

export class Tick extends Effect<number> {
  declare protected readonly effectIdentity: unknown
}

/** The same shape as Tick: only the identity line tells them apart. */
export class Tock extends Effect<number> {
  declare protected readonly effectIdentity: unknown
}

/** The same shape as Tick, without the identity line: indistinguishable from `Effect<number>`. */
export class Anonymous extends Effect<number> {}

export class Audit extends Effect<void> {
  declare protected readonly effectIdentity: unknown
  constructor(readonly message: string) {
    super()
  }
}

/** A subclass of Tick: answered wherever Tick is. */
export class FastTick extends Tick {}

/** A subclass with its own identity as well: still a Tick, but not every Tick is one. */
export class SlowTick extends Tick {
  declare protected readonly effectIdentity: unknown
}
