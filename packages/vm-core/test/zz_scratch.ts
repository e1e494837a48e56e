import { Effect, handler, Transfer } from "../src/index.js"
class Ask<T> extends Effect<T> {
  constructor(readonly key: string) {
    super()
  }
}
export const h1 = handler((eff, k) => Transfer(k, eff.key), { handles: [Ask] })
export const h2 = handler(function* g(eff, k) { return yield* Transfer(k, eff.key) }, { handles: [Ask] })
export const h3 = handler(function* g(eff: Ask<unknown>, k) { return yield* Transfer(k, eff.key) }, { handles: [Ask] })
