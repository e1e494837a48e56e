/** The runtimes the suite compares. `floor` is the hand-written plain-generator driver. */
export type RuntimeId = "effvm" | "effect" | "effection" | "redux-saga" | "floor" | "dbos"

export const RUNTIMES: readonly RuntimeId[] = [
  "floor",
  "effvm",
  "effect",
  "effection",
  "redux-saga",
  "dbos",
]

/**
 * How a workload's timing is reported: `per-unit` divides the run time by the size
 * (ns per perform, per task, ...); `total-ms` reports the whole run in milliseconds.
 */
export type Metric = { kind: "per-unit"; unit: string } | { kind: "total-ms" }

/** One implementation of a workload for one runtime, in one form (variant). */
export interface Case {
  readonly runtime: RuntimeId
  /** Empty when the runtime has a single form; else a short id such as `fast` or `indexed-100`. */
  readonly variant: string
  /** What the reader sees in the table, e.g. "fast-path handler" or "service read". */
  readonly label: string
  /** Rows of one group are comparable; ratios are taken within the group. */
  readonly group?: string
  /** Variants of the floor / effvm cases this row is compared with (default: the first one in the group). */
  readonly vs?: { readonly floor?: string; readonly effvm?: string }
  /** Sizes for this case when they differ from the workload's (W3: 10^6 only for effvm and the floor). */
  readonly sizes?: readonly number[]
  readonly smokeSizes?: readonly number[]
  /** Runs the workload once at `size` and returns its checksum. */
  run(size: number): number | Promise<number>
}

/** What one worker process reports for one (runtime, workload, variant, size). */
export interface Measurement {
  readonly workload: string
  readonly runtime: RuntimeId
  readonly variant: string
  readonly size: number
  /** `overflow`: the run hit a RangeError (stack overflow); `mismatch`: wrong checksum. */
  readonly status: "ok" | "overflow" | "mismatch" | "error" | "timeout" | "crash"
  readonly checksum?: number
  readonly expected?: number
  readonly samplesNs: readonly number[]
  /** Median in the workload's metric (ns per unit, or ms). */
  readonly value?: number
  readonly unit: string
  readonly rssBaseMB?: number
  /** The process's peak RSS over warm-up and timed runs (garbage of earlier runs included). */
  readonly rssPeakMB?: number
  /** The process's peak RSS when its first run ended: one run of the workload in a fresh process. */
  readonly rssFirstRunMB?: number
  readonly message?: string
  /** The case a target compares this one with (`Target.compares`), timed alternately with it in this process. */
  readonly paired?: {
    readonly runtime: RuntimeId
    readonly variant: string
    readonly samplesNs: readonly number[]
    readonly value: number
    /**
     * The median of this case's time over the paired case's, run by run (each of this
     * case's timed runs is followed by one of the other's, so a slow moment of the machine
     * slows both sides of a ratio).
     */
    readonly ratio: number
  }
}

/** Finds a measurement of this run; `size` defaults to the case's largest size. */
export type Lookup = (
  workload: string,
  runtime: RuntimeId,
  variant: string,
  size?: number,
) => Measurement | undefined

export interface TargetOutcome {
  readonly measured: string
  /** `n/a`: a measurement the target needs is missing (filtered out, crashed, or not yet built). */
  readonly status: "pass" | "miss" | "n/a"
}

/** A case of a workload, by its runtime and variant. */
export interface CaseRef {
  readonly runtime: RuntimeId
  readonly variant: string
}

/** A target from bench/README.md, checked against the measurements of one run. */
export interface Target {
  readonly workload: string
  readonly text: string
  /**
   * The two cases the target divides: the worker measuring `a` also times `b` in the same
   * process, alternately, and reports it as `paired` (see `ratioOf`). A ratio of two
   * processes also measures how fast each process happened to run: on the 2-core machine
   * the project is measured on, a row runs up to 2× faster in one process than in the next,
   * for every run in that process.
   */
  readonly compares?: { readonly a: CaseRef; readonly b: CaseRef }
  check(get: Lookup): TargetOutcome
}

export interface Workload {
  readonly id: string
  readonly title: string
  readonly metric: Metric
  /** Full-run sizes; a case may override them. */
  readonly sizes: readonly number[]
  /** Smoke-run sizes (about 1/1000 of full). */
  readonly smokeSizes: readonly number[]
  /** Servers the runner starts for this workload's rows: `"postgres"` (its URL in EFFVM_BENCH_POSTGRES). */
  readonly services?: readonly "postgres"[]
  /** Whether peak RSS belongs in the table (bench/README.md asks for it on W3/W4). */
  readonly showRss?: boolean
  /** The checksum every correct run returns at `size`, given the case (variants may differ). */
  expected(size: number, c: Case): number
  readonly cases: readonly Case[]
  readonly targets: readonly Target[]
}
