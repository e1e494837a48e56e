import type { PageData } from "./data.js"

/**
 * The timeline page's script. It runs in the browser: the HTML inlines this function's
 * source (`String(timelineClient)`) and calls it, so it must not refer to anything outside
 * its own body (no imports at run time, no module-level helpers).
 *
 * Ticks and spans are drawn on a canvas, only those of the lanes and the range in view, at
 * most one tick per pixel column per lane, so 10^5 events pan at frame rate. Everything a
 * reader or a test reads (task names, marks, axis labels, the hover card, the details
 * panel) is DOM text; only the lanes in view have elements.
 */
export function timelineClient(doc: Document, win: Window): void {
  const source = doc.getElementById("timeline-data")
  if (source === null || source.textContent === null) return
  const data = JSON.parse(source.textContent) as PageData
  const m = data.model
  const S = m.strings
  const T = m.tasks
  const laneCount = T.id.length
  const LANE_H = 26
  const VERDICT = [
    "pass",
    "delegate",
    "resume",
    "transfer",
    "resume, throwing",
    "transfer, throwing",
  ]
  const VERDICT_SYMBOL = ["↗", "⤴", "↩", "⇢", "↩✗", "⇢✗"]
  const STATE = ["running at the end of the trace", "done", "cancelled", "failed", "no task events"]
  const MARK = ["spawn", "cancel requested", "done", "failed", "cancelled"]
  const MARK_GLYPH = ["▸", "⊘", "■", "✕", "⊘"]
  const MARK_CLASS = ["spawn", "cancel", "done", "fail", "cancelled"]
  const PALETTE_SIZE = 10

  const byId = (id: string): HTMLElement => {
    const el = doc.getElementById(id)
    if (el === null) throw new Error(`timeline page: #${id} is missing`)
    return el
  }
  const el = (tag: string, className?: string, text?: string): HTMLElement => {
    const e = doc.createElement(tag)
    if (className !== undefined) e.className = className
    if (text !== undefined) e.textContent = text
    return e
  }
  const scroller = byId("scroller")
  const spacer = byId("spacer")
  const labels = byId("labels")
  const plot = byId("plot")
  const canvas = byId("canvas") as HTMLCanvasElement
  const marksLayer = byId("marks")
  const hover = byId("hover")
  const axisMain = byId("axis-main")
  const axisSecond = byId("axis-second")
  const axisMainName = byId("axis-main-name")
  const axisSecondName = byId("axis-second-name")
  const axes = byId("axes")
  const details = byId("details-body")
  const layoutSelect = byId("layout") as HTMLSelectElement
  const ctx = canvas.getContext("2d", { alpha: false })
  if (ctx === null) return

  // ---- static indexes -------------------------------------------------------------------
  const markOffsets = new Int32Array(laneCount + 1)
  for (let j = 0; j < m.marks.lane.length; j++) markOffsets[m.marks.lane[j]! + 1]!++
  for (let l = 0; l < laneCount; l++) markOffsets[l + 1]! += markOffsets[l]!
  const laneOfTick = new Int32Array(m.ticks.step.length)
  for (let l = 0; l < laneCount; l++) {
    for (let i = m.ticks.offsets[l]!; i < m.ticks.offsets[l + 1]!; i++) laneOfTick[i] = l
  }
  // Effects by frequency: the most frequent get the palette's colours, the rest grey.
  const effectCount = new Map<number, number>()
  for (const e of m.ticks.effect) effectCount.set(e, (effectCount.get(e) ?? 0) + 1)
  const effectsByCount = [...effectCount.entries()].sort((a, b) => b[1] - a[1])
  const colourOf = new Map<number, number>()
  effectsByCount.forEach(([e], i) => {
    colourOf.set(e, Math.min(i, PALETTE_SIZE))
  })
  const tickColour = new Uint8Array(m.ticks.effect.length)
  for (let i = 0; i < tickColour.length; i++) tickColour[i] = colourOf.get(m.ticks.effect[i]!)!
  const laneOfTask = new Map<number, number>()
  for (let l = laneCount - 1; l >= 0; l--) laneOfTask.set(T.id[l]!, l)

  // ---- the two layouts: by step, or by the clock (ms after the first event) ----------------
  const t0 = m.range.timeMin
  const relative = (a: readonly number[]): Float64Array => {
    const out = new Float64Array(a.length)
    for (let i = 0; i < a.length; i++) out[i] = a[i]! < 0 ? -1 : a[i]! - t0
    return out
  }
  const byStep = {
    tick: m.ticks.step,
    answer: m.ticks.answer,
    from: m.spans.from,
    to: m.spans.to,
    mark: m.marks.step,
    start: T.startStep,
    end: T.endStep,
    min: m.range.stepMin,
    max: m.range.stepMax,
  }
  let byClock: typeof byStep | null = null
  let L = byStep
  let layout: "step" | "clock" = "step"

  // ---- view state ---------------------------------------------------------------------------
  let x0 = 0 // domain value at the plot's left edge
  let k = 1 // pixels per domain unit
  let plotW = 1
  let plotH = 1
  let dpr = 1
  type Selection =
    | { readonly kind: "tick"; readonly i: number }
    | { readonly kind: "mark"; readonly j: number }
    | { readonly kind: "task"; readonly lane: number }
  let selected: Selection | null = null
  let frameRequested = false
  let colours = readColours()
  let renders = 0

  function readColours() {
    const style = win.getComputedStyle(doc.documentElement)
    const v = (name: string) => style.getPropertyValue(name).trim() || "#888"
    const palette: string[] = []
    for (let i = 0; i < PALETTE_SIZE; i++) palette.push(v(`--c${i}`))
    palette.push(v("--c-other"))
    return {
      bg: v("--plot-bg"),
      alt: v("--lane-alt"),
      grid: v("--grid"),
      life: v("--life"),
      span: v("--span"),
      spanFailed: v("--span-failed"),
      failedLane: v("--failed-lane"),
      originLane: v("--origin-lane"),
      wait: v("--wait"),
      select: v("--select"),
      palette,
    }
  }

  // ---- small helpers --------------------------------------------------------------------------
  function lowerBound(a: ArrayLike<number>, value: number, from: number, to: number): number {
    let lo = from
    let hi = to
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (a[mid]! < value) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  function fmtNumber(v: number): string {
    return v.toLocaleString("en-US", { maximumFractionDigits: 3 })
  }
  function fmtMs(v: number): string {
    const a = Math.abs(v)
    if (a >= 60_000) return `${fmtNumber(v / 60_000)} min`
    if (a >= 1000) return `${fmtNumber(v / 1000)} s`
    return `${fmtNumber(v)} ms`
  }
  function taskLabel(lane: number): string {
    return `task ${T.id[lane]} "${S[T.name[lane]!]}"`
  }
  function xOf(value: number): number {
    return (value - x0) * k
  }
  function niceStep(rough: number, integer: boolean): number {
    const p = 10 ** Math.floor(Math.log10(rough))
    const n = rough / p
    const step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p
    return integer ? Math.max(1, Math.round(step)) : step
  }
  function span(): number {
    return Math.max(L.max - L.min, 1)
  }

  // ---- sizing, zoom and pan ---------------------------------------------------------------------
  function measure(): void {
    dpr = win.devicePixelRatio || 1
    plotW = Math.max(1, plot.clientWidth)
    plotH = Math.max(1, plot.clientHeight)
    canvas.width = Math.round(plotW * dpr)
    canvas.height = Math.round(plotH * dpr)
    canvas.style.width = `${plotW}px`
    canvas.style.height = `${plotH}px`
    spacer.style.height = `${laneCount * LANE_H}px`
    axes.style.paddingRight = `${scroller.offsetWidth - scroller.clientWidth}px`
  }
  function fit(): void {
    const pad = span() * 0.02 + (layout === "step" ? 1 : 0)
    k = plotW / (span() + 2 * pad)
    x0 = L.min - pad
  }
  function kLimits(): [number, number] {
    const fitK = plotW / (span() * 1.04 + 2)
    return [fitK / 4, layout === "step" ? 200 : Math.max(fitK * 1e6, 1e4)]
  }
  function zoomAt(px: number, factor: number): void {
    const [lo, hi] = kLimits()
    const d = x0 + px / k
    k = Math.min(hi, Math.max(lo, k * factor))
    x0 = d - px / k
    clampX()
    requestRender()
  }
  function clampX(): void {
    const visible = plotW / k
    const minX = L.min - visible * 0.9
    const maxX = L.max - visible * 0.1
    if (x0 < minX) x0 = minX
    if (x0 > maxX) x0 = maxX
  }
  function requestRender(): void {
    if (frameRequested) return
    frameRequested = true
    win.requestAnimationFrame(() => {
      frameRequested = false
      render()
    })
  }

  // ---- drawing ------------------------------------------------------------------------------
  function visibleLanes(): [number, number] {
    const top = scroller.scrollTop
    const first = Math.max(0, Math.floor(top / LANE_H))
    const last = Math.min(laneCount - 1, Math.floor((top + plotH) / LANE_H))
    return [first, last]
  }

  function render(): void {
    renders++
    const [first, last] = visibleLanes()
    drawCanvas(first, last)
    renderLabels(first, last)
    renderMarks(first, last)
    renderAxes()
  }

  function drawCanvas(first: number, last: number): void {
    const c = ctx!
    const top = scroller.scrollTop
    c.setTransform(dpr, 0, 0, dpr, 0, 0)
    c.fillStyle = colours.bg
    c.fillRect(0, 0, plotW, plotH)
    const d0 = x0
    const d1 = x0 + plotW / k
    // Faint vertical lines where the clock moves (step layout), where they are few enough.
    if (layout === "step") {
      const cs = m.clock.steps
      const a = lowerBound(cs, d0, 0, cs.length)
      const b = lowerBound(cs, d1, a, cs.length)
      if (b - a > 0 && b - a < plotW / 6) {
        c.fillStyle = colours.grid
        for (let i = a; i < b; i++) c.fillRect(Math.round(xOf(cs[i]!)), 0, 1, plotH)
      }
    }
    for (let lane = first; lane <= last; lane++) {
      const y = lane * LANE_H - top
      const state = T.state[lane]
      if (lane === data.outcome.originLane) {
        c.fillStyle = colours.originLane
        c.fillRect(0, y, plotW, LANE_H)
      } else if (state === 3) {
        c.fillStyle = colours.failedLane
        c.fillRect(0, y, plotW, LANE_H)
      } else if (lane % 2 === 1) {
        c.fillStyle = colours.alt
        c.fillRect(0, y, plotW, LANE_H)
      }
      // The task's life: from its spawn (or first event) to its end.
      const start = L.start[lane]!
      const end = L.end[lane]! < 0 ? L.max : L.end[lane]!
      const lx1 = Math.max(-1, xOf(start))
      const lx2 = Math.min(plotW + 1, xOf(end))
      if (lx2 >= 0 && lx1 <= plotW) {
        c.fillStyle = colours.life
        c.fillRect(lx1, y + LANE_H / 2 - 0.5, Math.max(1, lx2 - lx1), 1)
      }
      drawSpans(c, lane, y, d0, d1)
      drawTicks(c, lane, y, d0, d1)
    }
    drawSelection(c, top)
  }

  function drawSpans(
    c: CanvasRenderingContext2D,
    lane: number,
    y: number,
    d0: number,
    d1: number,
  ): void {
    const from = L.from
    const to = L.to
    const a = lowerBound(to, d0, m.spans.offsets[lane]!, m.spans.offsets[lane + 1]!)
    const end = m.spans.offsets[lane + 1]!
    c.fillStyle = T.state[lane] === 3 ? colours.spanFailed : colours.span
    let runStart = Number.NaN
    let runEnd = Number.NaN
    for (let s = a; s < end && from[s]! <= d1; s++) {
      const x1 = xOf(from[s]!)
      let x2 = xOf(to[s]!)
      if (x2 - x1 < 1) x2 = x1 + 1
      if (x1 <= runEnd + 0.5) {
        if (x2 > runEnd) runEnd = x2
        continue
      }
      if (!Number.isNaN(runStart)) c.fillRect(runStart, y + 6, runEnd - runStart, LANE_H - 12)
      runStart = x1
      runEnd = x2
    }
    if (!Number.isNaN(runStart)) c.fillRect(runStart, y + 6, runEnd - runStart, LANE_H - 12)
  }

  function drawTicks(
    c: CanvasRenderingContext2D,
    lane: number,
    y: number,
    d0: number,
    d1: number,
  ): void {
    const xs = L.tick
    const answers = L.answer
    const end = m.ticks.offsets[lane + 1]!
    const a = lowerBound(xs, d0 - 1 / k, m.ticks.offsets[lane]!, end)
    const width = k >= 8 ? 3 : k >= 2 ? 2 : 1
    let lastPx = -1
    for (let i = a; i < end; i++) {
      const v = xs[i]!
      if (v > d1) break
      const px = Math.floor(xOf(v))
      if (px === lastPx) continue
      lastPx = px
      const colour = colours.palette[tickColour[i]!]!
      const answer = answers[i]!
      if (answer > v) {
        // The wait from the perform to its answer, along the lane's foot.
        c.fillStyle = colours.wait
        const ax = Math.min(plotW, xOf(answer))
        c.fillRect(px, y + LANE_H - 5, Math.max(1, ax - px), 2)
      }
      c.fillStyle = colour
      c.fillRect(px - (width >> 1), y + 3, width, LANE_H - 6)
    }
  }

  function drawSelection(c: CanvasRenderingContext2D, top: number): void {
    if (selected === null || selected.kind !== "tick") return
    const i = selected.i
    const lane = laneOfTick[i]!
    const x = xOf(L.tick[i]!)
    const y = lane * LANE_H - top
    c.strokeStyle = colours.select
    c.lineWidth = 2
    c.strokeRect(Math.round(x) - 3.5, y + 1.5, 7, LANE_H - 3)
  }

  // Lane labels: one element per lane in view, kept while it stays in view.
  const labelElements = new Map<number, HTMLElement>()
  function renderLabels(first: number, last: number): void {
    const top = scroller.scrollTop
    for (const [lane, e] of labelElements) {
      if (lane < first || lane > last) {
        e.remove()
        labelElements.delete(lane)
      }
    }
    for (let lane = first; lane <= last; lane++) {
      let e = labelElements.get(lane)
      if (e === undefined) {
        e = makeLabel(lane)
        labelElements.set(lane, e)
        labels.append(e)
      }
      e.style.transform = `translateY(${lane * LANE_H - top}px)`
    }
  }
  function makeLabel(lane: number): HTMLElement {
    const state = T.state[lane]!
    const e = el("button", "lane-label")
    e.dataset.lane = String(lane)
    e.dataset.taskId = String(T.id[lane])
    if (state === 3) e.classList.add("failed")
    if (lane === data.outcome.originLane) e.classList.add("origin")
    if (selected?.kind === "task" && selected.lane === lane) e.classList.add("selected")
    e.style.paddingLeft = `${6 + Math.min(T.depth[lane]!, 8) * 10}px`
    // Spaces between the parts, so the label reads as words (screen readers, textContent).
    e.append(
      el("span", "task-name", S[T.name[lane]!]),
      " ",
      el("span", "task-id", `#${T.id[lane]}`),
    )
    if (T.parent[lane]! >= 0) e.append(" ", el("span", "task-parent", `← #${T.parent[lane]}`))
    if (state !== 1 && state !== 4)
      e.append(" ", el("span", `task-state state-${state}`, STATE[state]!))
    e.addEventListener("click", () => select({ kind: "task", lane }))
    return e
  }

  // Marks: buttons with their text, for the lanes in view.
  const markElements = new Map<number, HTMLElement>()
  function renderMarks(first: number, last: number): void {
    const top = scroller.scrollTop
    const keep = new Set<number>()
    const d0 = x0 - 8 / k
    const d1 = x0 + (plotW + 8) / k
    for (let lane = first; lane <= last; lane++) {
      for (let j = markOffsets[lane]!; j < markOffsets[lane + 1]!; j++) {
        const v = L.mark[j]!
        if (v < d0 || v > d1) continue
        keep.add(j)
        let e = markElements.get(j)
        if (e === undefined) {
          e = makeMark(j)
          markElements.set(j, e)
          marksLayer.append(e)
        }
        e.style.transform = `translate(${Math.round(xOf(v)) - 7}px, ${lane * LANE_H - top + 5}px)`
      }
    }
    for (const [j, e] of markElements) {
      if (!keep.has(j)) {
        e.remove()
        markElements.delete(j)
      }
    }
  }
  function makeMark(j: number): HTMLElement {
    const kind = m.marks.kind[j]!
    const lane = m.marks.lane[j]!
    const e = el("button", `mark mark-${MARK_CLASS[kind]}`)
    e.dataset.mark = MARK_CLASS[kind]
    e.dataset.lane = String(lane)
    e.append(
      el("span", "glyph", MARK_GLYPH[kind]),
      el("span", "sr-only", `${MARK[kind]}: ${taskLabel(lane)} at step ${m.marks.step[j]}`),
    )
    if (selected?.kind === "mark" && selected.j === j) e.classList.add("selected")
    e.addEventListener("click", (event) => {
      event.stopPropagation()
      select({ kind: "mark", j })
    })
    e.addEventListener("pointerdown", (event) => event.stopPropagation())
    return e
  }

  function renderAxes(): void {
    const d0 = x0
    const d1 = x0 + plotW / k
    const integer = layout === "step"
    const unit = niceStep(Math.max(100 / k, integer ? 1 : 1e-6), integer)
    const mainLabels: HTMLElement[] = []
    for (let n = Math.ceil(d0 / unit); n * unit <= d1; n++) {
      const v = n * unit + 0 // + 0: never "-0"
      const label = el("span", "axis-label", integer ? fmtNumber(v) : fmtMs(v))
      label.style.transform = `translateX(${Math.round(xOf(v))}px)`
      mainLabels.push(label)
    }
    axisMain.replaceChildren(...mainLabels)
    // The other measure, where it changes: the clock under the step layout, steps under the
    // clock layout. At most one label per 90 px.
    const cs = m.clock.steps
    const ct = m.clock.times
    const at = layout === "step" ? cs : relClockTimes()
    const second: HTMLElement[] = []
    let i = lowerBound(at, d0, 0, at.length)
    if (i > 0 && layout === "step") i-- // the clock's reading at the left edge
    while (i < at.length && at[i]! <= d1) {
      const x = Math.max(0, Math.round(xOf(at[i]!)))
      const text = layout === "step" ? fmtMs(ct[i]! - t0) : `step ${fmtNumber(cs[i]!)}`
      const label = el("span", "axis-label", text)
      label.style.transform = `translateX(${x}px)`
      second.push(label)
      i = Math.max(i + 1, lowerBound(at, at[i]! + 90 / k, i + 1, at.length))
    }
    axisSecond.replaceChildren(...second)
  }
  let relClock: Float64Array | null = null
  function relClockTimes(): Float64Array {
    if (relClock === null) relClock = relative(m.clock.times)
    return relClock
  }

  // ---- finding what is under the pointer ---------------------------------------------------------
  function laneAt(py: number): number {
    const lane = Math.floor((py + scroller.scrollTop) / LANE_H)
    return lane >= 0 && lane < laneCount ? lane : -1
  }
  /** The tick nearest to (px, py) within 4 px, and how many ticks share those pixels. */
  function tickAt(px: number, py: number): { i: number; near: number } | null {
    const lane = laneAt(py)
    if (lane < 0) return null
    const xs = L.tick
    const from = m.ticks.offsets[lane]!
    const to = m.ticks.offsets[lane + 1]!
    const d = x0 + px / k
    const tol = 4 / k
    const a = lowerBound(xs, d - tol, from, to)
    const b = lowerBound(xs, d + tol + 1e-9, a, to)
    if (a >= b) return null
    // The first tick of the nearest pixel column: the one drawn there.
    let best = a
    let bestDist = Number.POSITIVE_INFINITY
    let lastPx = Number.NaN
    for (let i = a; i < b && i < a + 2000; i++) {
      const p = Math.floor(xOf(xs[i]!))
      if (p === lastPx) continue
      lastPx = p
      const dist = Math.abs(p - px)
      if (dist < bestDist) {
        best = i
        bestDist = dist
      }
    }
    return { i: best, near: b - a }
  }

  // ---- details ------------------------------------------------------------------------------
  function field(list: HTMLElement, name: string, value: string): void {
    list.append(el("dt", undefined, name), el("dd", undefined, value))
  }
  function select(s: Selection | null): void {
    selected = s
    for (const [j, e] of markElements)
      e.classList.toggle("selected", s?.kind === "mark" && s.j === j)
    for (const [lane, e] of labelElements)
      e.classList.toggle("selected", s?.kind === "task" && s.lane === lane)
    if (s === null) showIntro()
    else if (s.kind === "tick") showTick(s.i)
    else if (s.kind === "mark") showMark(s.j)
    else showTask(s.lane)
    requestRender()
  }
  function showTick(i: number): void {
    const lane = laneOfTick[i]!
    const effect = S[m.ticks.effect[i]!]!
    const heading = el("h2", undefined, `Perform ${effect}`)
    const list = el("dl")
    field(list, "effect", effect)
    field(list, "task", taskLabel(lane))
    field(list, "step", fmtNumber(m.ticks.step[i]!))
    const time = m.ticks.time[i]!
    field(
      list,
      "time",
      t0 === 0 ? fmtMs(time) : `${fmtMs(time - t0)} (the clock read ${fmtNumber(time)})`,
    )
    const answer = m.ticks.answer[i]!
    if (answer >= 0) {
      const waited = m.ticks.answerTime[i]! - m.ticks.time[i]!
      field(
        list,
        "answered",
        `at step ${fmtNumber(answer)}, ${fmtMs(m.ticks.answerTime[i]! - t0)}` +
          (waited > 0 ? ` (waited ${fmtMs(waited)})` : ""),
      )
    } else field(list, "answered", "no answer in the trace (aborted, or the run ended first)")
    field(list, "event", `#${m.ticks.event[i]} of ${m.events}`)
    const chain = m.chains[m.ticks.chain[i]!]!
    const handlers = el("ol", "handlers")
    for (let h = 0; h < chain.length; h += 2) {
      const item = el("li")
      item.append(
        el("span", "handler-name", S[chain[h]!]),
        el(
          "span",
          `verdict verdict-${chain[h + 1]}`,
          ` ${VERDICT_SYMBOL[chain[h + 1]!]} ${VERDICT[chain[h + 1]!]}`,
        ),
      )
      handlers.append(item)
    }
    if (chain.length === 0)
      handlers.append(el("li", "muted", "no handler answered it in the trace"))
    details.replaceChildren(
      heading,
      list,
      el("h3", undefined, "Handlers, in the order it reached them"),
      handlers,
    )
    details.dataset.showing = "tick"
  }
  function showMark(j: number): void {
    const kind = m.marks.kind[j]!
    const lane = m.marks.lane[j]!
    if (kind === 3) {
      showTask(lane, `Failed: ${taskLabel(lane)}`)
      details.dataset.showing = "failure"
      return
    }
    const heading = el(
      "h2",
      undefined,
      `${MARK[kind]![0]!.toUpperCase()}${MARK[kind]!.slice(1)}: ${taskLabel(lane)}`,
    )
    const list = el("dl")
    field(list, "step", fmtNumber(m.marks.step[j]!))
    field(list, "time", fmtMs(m.marks.time[j]! - t0))
    if (kind === 0 && T.parent[lane]! >= 0) {
      const p = laneOfTask.get(T.parent[lane]!)
      field(list, "spawned by", p === undefined ? `task ${T.parent[lane]}` : taskLabel(p))
    }
    details.replaceChildren(heading, list)
    details.dataset.showing = "mark"
  }
  function showTask(lane: number, title?: string): void {
    const state = T.state[lane]!
    const heading = el("h2", undefined, title ?? taskLabel(lane))
    const list = el("dl")
    field(list, "task", taskLabel(lane))
    if (T.parent[lane]! >= 0) {
      const p = laneOfTask.get(T.parent[lane]!)
      field(list, "parent", p === undefined ? `task ${T.parent[lane]}` : taskLabel(p))
    } else field(list, "parent", "none (the root task)")
    field(list, "state", STATE[state]!)
    field(
      list,
      "lifetime",
      `step ${fmtNumber(T.startStep[lane]!)} to ${T.endStep[lane]! < 0 ? "the end of the trace" : fmtNumber(T.endStep[lane]!)}`,
    )
    field(list, "activations", fmtNumber(m.spans.offsets[lane + 1]! - m.spans.offsets[lane]!))
    field(list, "performs", fmtNumber(m.ticks.offsets[lane + 1]! - m.ticks.offsets[lane]!))
    const parts: HTMLElement[] = [heading, list]
    if (state === 3) {
      field(list, "error", S[T.error[lane]!]!)
      // The task the run's failure started in shows the run's traceback (given, or the same
      // error's); the others show their own.
      const runTraceback = lane === data.outcome.originLane ? data.outcome.traceback : ""
      const text = runTraceback !== "" ? runTraceback : S[T.traceback[lane]!]!
      parts.push(el("h3", undefined, "Traceback"), el("pre", "traceback", text))
    }
    details.replaceChildren(...parts)
    details.dataset.showing = state === 3 ? "failure" : "task"
  }
  function showIntro(): void {
    const parts: HTMLElement[] = [
      el(
        "p",
        "muted",
        "Click a tick (a perform), a mark or a task's name to see its details here. Ctrl + wheel or + and − zoom, drag or the arrow keys pan.",
      ),
    ]
    if (m.events === 0) {
      parts.push(
        el(
          "p",
          undefined,
          'The trace has no events: run with trace: "full" (or "min") and pass every event onEvent received.',
        ),
      )
    }
    const o = data.outcome
    if (o.status === "done") parts.push(el("p", undefined, `The run finished: ${o.text}`))
    if (o.status === "failed" || o.status === "stopped") {
      parts.push(
        el(
          "p",
          undefined,
          `The run ${o.status === "failed" ? "failed" : "was stopped"}: ${o.text}`,
        ),
      )
    }
    details.replaceChildren(...parts)
    details.dataset.showing = "intro"
  }
  function showRunFailure(): void {
    const origin = data.outcome.originLane
    if (origin >= 0) {
      const j = failMarkOf(origin)
      reveal(origin, j >= 0 ? L.mark[j]! : L.max)
      if (j >= 0) select({ kind: "mark", j })
      else select({ kind: "task", lane: origin })
      return
    }
    details.replaceChildren(
      el("h2", undefined, `The run ${data.outcome.status}: ${data.outcome.text}`),
      el("h3", undefined, "Traceback"),
      el("pre", "traceback", data.outcome.traceback),
    )
    details.dataset.showing = "failure"
  }
  function failMarkOf(lane: number): number {
    for (let j = markOffsets[lane]!; j < markOffsets[lane + 1]!; j++)
      if (m.marks.kind[j] === 3) return j
    return -1
  }
  /** Scrolls `lane` into view and centres `value`, zooming in so near ticks stand apart. */
  function reveal(lane: number, value: number, minK = 0): void {
    if (k < minK) {
      k = Math.min(minK, kLimits()[1])
      x0 = value - plotW / 2 / k
    } else if (xOf(value) < 24 || xOf(value) > plotW - 24) x0 = value - plotW / 2 / k
    clampX()
    const y = lane * LANE_H
    if (y < scroller.scrollTop || y + LANE_H > scroller.scrollTop + plotH) {
      scroller.scrollTop = Math.max(0, y - plotH / 2)
    }
    render()
  }

  // ---- input --------------------------------------------------------------------------------
  let drag: { x: number; y: number; x0: number; top: number; moved: boolean } | null = null
  plot.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return
    plot.setPointerCapture(event.pointerId)
    drag = { x: event.clientX, y: event.clientY, x0, top: scroller.scrollTop, moved: false }
    hover.hidden = true
  })
  plot.addEventListener("pointermove", (event) => {
    const r = plot.getBoundingClientRect()
    if (drag !== null) {
      const dx = event.clientX - drag.x
      const dy = event.clientY - drag.y
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true
      if (!drag.moved) return
      x0 = drag.x0 - dx / k
      clampX()
      scroller.scrollTop = drag.top - dy
      plot.classList.add("dragging")
      requestRender()
      return
    }
    showHover(event.clientX - r.left, event.clientY - r.top)
  })
  plot.addEventListener("pointerleave", () => {
    hover.hidden = true
  })
  const endDrag = (event: PointerEvent): void => {
    if (drag === null) return
    const moved = drag.moved
    drag = null
    plot.classList.remove("dragging")
    if (moved || event.type !== "pointerup") return
    const r = plot.getBoundingClientRect()
    const px = event.clientX - r.left
    const py = event.clientY - r.top
    const hit = tickAt(px, py)
    if (hit !== null) select({ kind: "tick", i: hit.i })
    else {
      const lane = laneAt(py)
      select(lane >= 0 ? { kind: "task", lane } : null)
    }
    plot.focus({ preventScroll: true })
  }
  plot.addEventListener("pointerup", endDrag)
  plot.addEventListener("pointercancel", endDrag)
  function showHover(px: number, py: number): void {
    const hit = tickAt(px, py)
    if (hit === null) {
      hover.hidden = true
      return
    }
    const i = hit.i
    const chain = m.chains[m.ticks.chain[i]!]!
    const answeredBy =
      chain.length >= 2
        ? ` · ${S[chain[chain.length - 2]!]} ${VERDICT_SYMBOL[chain[chain.length - 1]!]}`
        : ""
    hover.replaceChildren(
      el("strong", undefined, S[m.ticks.effect[i]!]),
      el(
        "span",
        undefined,
        ` step ${fmtNumber(m.ticks.step[i]!)} · ${fmtMs(m.ticks.time[i]! - t0)}${answeredBy}`,
      ),
    )
    if (hit.near > 1) hover.append(el("span", "muted", ` (${hit.near} performs here: zoom in)`))
    hover.hidden = false
    const x = Math.min(px + 12, plotW - hover.offsetWidth - 4)
    hover.style.transform = `translate(${Math.max(0, x)}px, ${py + 14}px)`
  }
  plot.addEventListener(
    "wheel",
    (event) => {
      const r = plot.getBoundingClientRect()
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault()
        zoomAt(event.clientX - r.left, Math.exp(-event.deltaY * 0.002))
      } else if (Math.abs(event.deltaX) > Math.abs(event.deltaY) || event.shiftKey) {
        event.preventDefault()
        x0 += (event.shiftKey && event.deltaX === 0 ? event.deltaY : event.deltaX) / k
        clampX()
        requestRender()
      }
    },
    { passive: false },
  )
  scroller.addEventListener("scroll", () => requestRender(), { passive: true })
  plot.addEventListener("keydown", (event) => {
    const key = event.key
    if (key === "+" || key === "=") zoomAt(plotW / 2, 1.5)
    else if (key === "-" || key === "_") zoomAt(plotW / 2, 1 / 1.5)
    else if (key === "0" || key === "Home") {
      fit()
      requestRender()
    } else if (key === "ArrowLeft" || key === "ArrowRight") {
      if (selected?.kind === "tick") {
        const i = selected.i + (key === "ArrowLeft" ? -1 : 1)
        const lane = laneOfTick[selected.i]!
        if (i >= m.ticks.offsets[lane]! && i < m.ticks.offsets[lane + 1]!) {
          select({ kind: "tick", i })
          if (xOf(L.tick[i]!) < 0 || xOf(L.tick[i]!) > plotW) reveal(lane, L.tick[i]!)
        }
      } else {
        x0 += ((key === "ArrowLeft" ? -1 : 1) * plotW * 0.1) / k
        clampX()
        requestRender()
      }
    } else if (key === "Escape") select(null)
    else return
    event.preventDefault()
  })
  byId("zoom-in").addEventListener("click", () => zoomAt(plotW / 2, 2))
  byId("zoom-out").addEventListener("click", () => zoomAt(plotW / 2, 0.5))
  byId("zoom-fit").addEventListener("click", () => {
    fit()
    requestRender()
  })
  layoutSelect.addEventListener("change", () => {
    setLayout(layoutSelect.value === "clock" ? "clock" : "step")
    fit()
    requestRender()
  })
  function setLayout(next: "step" | "clock"): void {
    layout = next
    if (next === "clock") {
      if (byClock === null) {
        byClock = {
          tick: relative(m.ticks.time) as unknown as number[],
          answer: relative(m.ticks.answerTime) as unknown as number[],
          from: relative(m.spans.fromTime) as unknown as number[],
          to: relative(m.spans.toTime) as unknown as number[],
          mark: relative(m.marks.time) as unknown as number[],
          start: relative(T.startTime) as unknown as number[],
          end: relative(T.endTime) as unknown as number[],
          min: 0,
          max: m.range.timeMax - t0,
        }
      }
      L = byClock
    } else L = byStep
    axisMainName.textContent = next === "step" ? "step" : "clock"
    axisSecondName.textContent = next === "step" ? "clock" : "step"
  }
  const failure = doc.getElementById("show-failure")
  if (failure !== null) failure.addEventListener("click", showRunFailure)
  win.addEventListener("resize", () => {
    measure()
    clampX()
    requestRender()
  })
  win.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    colours = readColours()
    requestRender()
  })

  // ---- what tests and other tools can ask the page ---------------------------------------------
  ;(win as unknown as { effvmTimeline: unknown }).effvmTimeline = {
    laneCount,
    /** The lane of the first task with this name, or -1. */
    laneOf(name: string): number {
      for (let l = 0; l < laneCount; l++) if (S[T.name[l]!] === name) return l
      return -1
    },
    /** Shows the `n`th perform of `lane` in view and returns its point in page coordinates. */
    revealTick(lane: number, n: number): { x: number; y: number } | null {
      const i = m.ticks.offsets[lane]! + n
      if (i >= m.ticks.offsets[lane + 1]!) return null
      // Close enough that the tick stands 12 px or more from its neighbours in the lane.
      const v = L.tick[i]!
      let gap = Number.POSITIVE_INFINITY
      if (i > m.ticks.offsets[lane]! && v > L.tick[i - 1]!) gap = v - L.tick[i - 1]!
      if (i + 1 < m.ticks.offsets[lane + 1]! && L.tick[i + 1]! > v)
        gap = Math.min(gap, L.tick[i + 1]! - v)
      reveal(lane, v, Math.max(layout === "step" ? 24 : 0, Number.isFinite(gap) ? 12 / gap : 0))
      const r = plot.getBoundingClientRect()
      return {
        x: r.left + xOf(L.tick[i]!) + 0.5,
        y: r.top + lane * LANE_H - scroller.scrollTop + LANE_H / 2,
      }
    },
    /** Shows `lane`'s failure mark in view (the lanes and the range). */
    revealFailure(lane: number): boolean {
      const j = failMarkOf(lane)
      if (j < 0) return false
      reveal(lane, L.mark[j]!)
      return true
    },
    /** Frames drawn so far. */
    renders: () => renders,
  }

  measure()
  fit()
  showIntro()
  render()
}
