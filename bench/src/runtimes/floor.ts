/**
 * The floor: hand-written drivers over plain generators, the least a generator-based
 * effect system can cost. Programs yield effect objects; the driver answers them.
 */

/** Floor effects are plain classes; drivers recognise them with `instanceof`. */
export class FloorTick {}
/** An effect no floor workload performs; the non-answering handlers of W2 "handle" it. */
export class FloorOther {}

/** A floor program body: yields effects (or sub-program calls), receives numbers. */
export type FloorGen = Generator<object, number, number>

/** A handler answers an effect or declines with `PASS`. */
export type FloorHandler = (eff: object) => number | typeof PASS
export const PASS: unique symbol = Symbol("pass")

export function unhandled(eff: object): never {
  throw new Error(`floor: unhandled effect ${eff.constructor.name}`)
}

/** W1/W2: a `gen.next(v)` loop; `answer` is the whole handler lookup. */
export function drive(gen: FloorGen, answer: (eff: object) => number): number {
  let r = gen.next(0)
  while (!r.done) r = gen.next(answer(r.value))
  return r.value
}

/** Handlers indexed by effect class: a stack per class, the innermost on top. */
export function indexedLookup(index: Map<Function, FloorHandler[]>): (eff: object) => number {
  return (eff) => {
    const stack = index.get(eff.constructor)
    if (stack !== undefined) {
      for (let i = stack.length - 1; i >= 0; i--) {
        const r = stack[i]!(eff)
        if (r !== PASS) return r
      }
    }
    return unhandled(eff)
  }
}

/** Handlers scanned innermost first (`handlers` is outermost first); each may `PASS`. */
export function scannedLookup(handlers: readonly FloorHandler[]): (eff: object) => number {
  return (eff) => {
    for (let i = handlers.length - 1; i >= 0; i--) {
      const r = handlers[i]!(eff)
      if (r !== PASS) return r
    }
    return unhandled(eff)
  }
}

/** W3: a sub-program call; the trampoline pushes `gen` as a new frame. */
export class FloorCall {
  constructor(readonly gen: FloorGen) {}
}

/**
 * W3: a trampolined driver with an explicit frame stack, so depth costs heap, not JS
 * stack, and a resume is O(1) whatever the depth.
 */
export function trampoline(root: FloorGen, answer: (eff: object) => number): number {
  const stack: FloorGen[] = [root]
  let top = root
  let v = 0
  for (;;) {
    const r = top.next(v)
    if (r.done) {
      stack.pop()
      if (stack.length === 0) return r.value
      top = stack[stack.length - 1]!
      v = r.value
    } else if (r.value instanceof FloorCall) {
      top = r.value.gen
      stack.push(top)
      v = 0
    } else {
      v = answer(r.value)
    }
  }
}
