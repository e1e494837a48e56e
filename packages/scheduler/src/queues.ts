/**
 * The scheduler's queues: ready tasks by priority then FIFO, and timers by due time then
 * FIFO. Both delete lazily: an entry that no longer applies is skipped when reached, so
 * cancelling is O(1).
 */

/**
 * A first-in first-out queue over a circular buffer (capacity a power of two). A scheduler
 * cycling 100,000 tasks pushes and shifts once per switch: the buffer is reused, never
 * copied, once it is large enough.
 */
export class Fifo<T> {
  #items: (T | undefined)[] = new Array<T | undefined>(16)
  #head = 0
  #size = 0

  get size(): number {
    return this.#size
  }

  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow()
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = item
    this.#size++
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head] = undefined
    this.#head = (this.#head + 1) & (this.#items.length - 1)
    this.#size--
    return item
  }

  /** The items still queued, oldest first. */
  toArray(): T[] {
    const out: T[] = []
    for (let i = 0; i < this.#size; i++)
      out.push(this.#items[(this.#head + i) & (this.#items.length - 1)] as T)
    return out
  }

  #grow(): void {
    const old = this.#items
    const items = new Array<T | undefined>(old.length * 2)
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & (old.length - 1)]
    this.#items = items
    this.#head = 0
  }
}

/** What the ready queue needs to know about a task. */
export interface Schedulable {
  readonly priority: number
  /** False once the entry went stale (the task was finalized while queued). */
  readonly runnable: boolean
}

/** One priority's FIFO of ready tasks. */
class Level<T> {
  readonly queue = new Fifo<T>()
  constructor(readonly priority: number) {}
}

/**
 * Ready tasks: higher priority first, FIFO among equal priorities. The levels are an array,
 * highest first: programs use one or a few priorities, so a short scan beats a map lookup
 * on every push and pop (each task switch does one of each).
 */
export class ReadyQueue<T extends Schedulable> {
  readonly #levels: Level<T>[] = []

  push(task: T): void {
    const levels = this.#levels
    const priority = task.priority
    let i = 0
    while (i < levels.length && levels[i]!.priority > priority) i++
    let level = levels[i]
    if (level === undefined || level.priority !== priority) {
      level = new Level<T>(priority)
      levels.splice(i, 0, level)
    }
    level.queue.push(task)
  }

  /** The next runnable task, or `undefined` when none is ready. */
  pop(): T | undefined {
    const levels = this.#levels
    for (let i = 0; i < levels.length; i++) {
      const queue = levels[i]!.queue
      for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
        if (task.runnable) return task
      }
    }
    return undefined
  }
}

/** A pending `sleep`: when it is due and which task it wakes. */
export class Timer<T> {
  /** Cleared when the sleeping task is interrupted; the heap then skips the entry. */
  active = true

  constructor(
    readonly due: number,
    readonly seq: number,
    readonly task: T,
  ) {}
}

/** Timers ordered by due time, then by creation (FIFO among equal times). */
export class TimerQueue<T> {
  readonly #heap: Timer<T>[] = []
  #seq = 0
  #active = 0

  /** How many timers are still active. */
  get size(): number {
    return this.#active
  }

  add(due: number, task: T): Timer<T> {
    const timer = new Timer(due, this.#seq++, task)
    this.#heap.push(timer)
    this.#siftUp(this.#heap.length - 1)
    this.#active++
    return timer
  }

  remove(timer: Timer<T>): void {
    if (!timer.active) return
    timer.active = false
    this.#active--
  }

  /** The due time of the earliest active timer. */
  nextDue(): number | undefined {
    this.#dropInactive()
    return this.#heap[0]?.due
  }

  /** Removes and returns the earliest active timer due at or before `now`. */
  popDue(now: number): Timer<T> | undefined {
    this.#dropInactive()
    const first = this.#heap[0]
    if (first === undefined || first.due > now) return undefined
    this.#popTop()
    first.active = false
    this.#active--
    return first
  }

  /** Deactivates every timer. */
  clear(): void {
    for (const timer of this.#heap) timer.active = false
    this.#heap.length = 0
    this.#active = 0
  }

  #dropInactive(): void {
    while (this.#heap.length > 0 && !this.#heap[0]!.active) this.#popTop()
  }

  #popTop(): void {
    const heap = this.#heap
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      this.#siftDown(0)
    }
  }

  #before(a: Timer<T>, b: Timer<T>): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq)
  }

  #siftUp(i: number): void {
    const heap = this.#heap
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#before(heap[i]!, heap[parent]!)) return
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  #siftDown(i: number): void {
    const heap = this.#heap
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let best = i
      if (left < heap.length && this.#before(heap[left]!, heap[best]!)) best = left
      if (right < heap.length && this.#before(heap[right]!, heap[best]!)) best = right
      if (best === i) return
      ;[heap[i], heap[best]] = [heap[best]!, heap[i]!]
      i = best
    }
  }
}
