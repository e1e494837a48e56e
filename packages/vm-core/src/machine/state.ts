import { DEFAULT_MAX_DEPTH } from "../errors/recursion.js"
import type { Program } from "../program.js"
import type { StopError } from "../stop.js"
import type { Tracer } from "../trace/tracer.js"
import type { Continuation } from "./continuation.js"
import type { Frame } from "./frames.js"
import type { JournalPort } from "./journal-port.js"
import { DISARMED, MODE_HANDLE_YIELD, type Mode } from "./modes.js"
import type { TaskLocalsHolder } from "./task-slot.js"

/** What the machine knows about a run: its stack, mode, and outcome. */
export class Machine {
  mode: Mode = MODE_HANDLE_YIELD
  /** The mode's payload: the value delivered, the error thrown, the yielded instruction. */
  value: unknown
  /** The innermost frame; `null` before the root program is pushed and after it ends. */
  top: Frame | null = null
  steps = 0
  result: unknown = undefined
  error: unknown = undefined
  /** Set while parked on an external promise; resolves when the machine can go on. */
  parked: Promise<void> | null = null
  /** The program frame whose error is being dispatched (tracebacks). */
  failedFrame: Frame | null = null
  /** True while a GetExecutionContext dispatch runs: no second one starts (§5 guard). */
  inErrorDispatch = false
  /** Set by the scheduler's cross-task throw: enrich again even an enriched error (§7). */
  forceEnrich = false
  /**
   * Step count from which the next perform or sub-program call is preceded by a preemption;
   * `DISARMED` (never reached) when no budget is set, so the check is one comparison.
   */
  preemptAt = DISARMED
  /** Frames deeper than this fail with RecursionError (the `maxDepth` run option). */
  maxDepth = DEFAULT_MAX_DEPTH
  /** Step count from which the next call measures the stack's depth (depth.ts). */
  depthCheckAt = 0
  /** The frame measured last and its depth: the next measure walks down to it, not further. */
  depthMark: Frame | null = null
  depthMarkValue = 0
  /** The event reporter of a traced run; null with `trace: "none"` (one check per perform). */
  trace: Tracer | null = null
  /** Set before the run (runOutcome): schedulers record their choices even without onChoices. */
  recordChoices = false
  /** The scheduler's recorded choice log (runOutcome reads it); null when not recording. */
  choiceLog: readonly number[] | null = null
  /** Set once a stop was requested: the run ends as stopped (stop.ts). */
  stopError: StopError | null = null
  /** A requested stop not yet delivered at a perform. */
  stopPending = false
  /** Wakes `parked` early (a stop while parked). */
  unpark: (() => void) | null = null
  /** The task the machine runs now, as a scheduler announced it (task-slot.ts). */
  taskSlot: TaskLocalsHolder | null = null
  /** `captureStacks: "full"`: each frame keeps the line it is suspended at (tracebacks). */
  liveStacks = false
  /** Continuations handed over while live (held.ts): closed when the run ends. */
  held: Continuation<unknown>[] | null = null
  heldLimit = 1024
  /** The journal of a recorded, replayed or durable run (`@effvm/durable`); null otherwise. */
  journal: JournalPort | null = null
  /** Set once an `observe`/`intercept` region started: performs look for observers (observers.ts). */
  observed = false
  /**
   * True when a perform has more to do than dispatch (a trace, observers): the one check
   * the default path pays for both (`performHooked`, observers.ts).
   */
  hooked = false

  constructor(
    root: Program<unknown>,
    /** Under `run`: an external wait is an error instead of a park. */
    readonly sync: boolean,
  ) {
    this.value = root
  }
}
