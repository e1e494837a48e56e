import type { TimelineModel } from "../model.js"
import { timelineClient } from "./client.js"
import type { PageData } from "./data.js"
import { pageStyle } from "./style.js"

const LEGEND_EFFECTS = 10

/**
 * The whole page as one string: style, data and script inline. The content security policy
 * forbids every fetch, so the page never reaches the network.
 */
export function pageHtml(data: PageData): string {
  const m = data.model
  const performs = m.ticks.step.length
  const title = escapeHtml(data.title)
  const summary = [
    count(m.tasks.id.length, "task"),
    count(m.events, "event"),
    m.level === "full" ? count(performs, "perform") : 'no performs (trace "min")',
    `steps ${number(m.range.stepMin)}–${number(m.range.stepMax)}`,
    `clock ${number(m.range.timeMax - m.range.timeMin)} ms`,
  ].join(" · ")
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${title}</title>
<style>${pageStyle}</style>
</head>
<body>
<header class="bar">
<h1>${title}</h1>
<p id="summary">${escapeHtml(summary)}</p>
<div class="controls" role="toolbar" aria-label="zoom and layout">
<button type="button" id="zoom-out" aria-label="zoom out">−</button>
<button type="button" id="zoom-in" aria-label="zoom in">+</button>
<button type="button" id="zoom-fit">Fit</button>
<label>x axis <select id="layout"><option value="step">steps</option><option value="clock">clock</option></select></label>
</div>
</header>
${legendHtml(m)}
${failureHtml(data)}
<main class="timeline" id="timeline" data-lanes="${m.tasks.id.length}">
<div class="axes" id="axes"><div class="axes-corner"><span id="axis-main-name">step</span><span id="axis-second-name">clock</span></div>
<div class="axis-rows"><div class="axis-row" id="axis-main"></div><div class="axis-row" id="axis-second"></div></div></div>
<div class="scroller" id="scroller"><div class="spacer" id="spacer"></div>
<div class="stage"><div class="labels" id="labels" role="group" aria-label="tasks"></div>
<div class="plot" id="plot" tabindex="0" role="application" aria-label="timeline: click a tick for its details; + and − zoom; arrow keys pan or step through performs">
<canvas id="canvas" aria-hidden="true"></canvas><div class="marks" id="marks"></div><div class="hover" id="hover" role="tooltip" hidden></div>
</div></div></div>
</main>
<section class="details" id="details" aria-live="polite" aria-label="details"><div id="details-body"></div></section>
<script type="application/json" id="timeline-data">${scriptSafeJson(data)}</script>
<script>(${String(timelineClient)})(document, window)</script>
</body>
</html>
`
}

function legendHtml(m: TimelineModel): string {
  const counts = new Map<number, number>()
  for (const e of m.ticks.effect) counts.set(e, (counts.get(e) ?? 0) + 1)
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])
  const items = top
    .slice(0, LEGEND_EFFECTS)
    .map(
      ([e, n], i) =>
        `<li><span class="swatch" style="background: var(--c${i})"></span>${escapeHtml(m.strings[e]!)} <span class="muted">${number(n)}</span></li>`,
    )
  if (top.length > LEGEND_EFFECTS) {
    const rest = top.slice(LEGEND_EFFECTS).reduce((sum, [, n]) => sum + n, 0)
    items.push(
      `<li><span class="swatch" style="background: var(--c-other)"></span>other effects <span class="muted">${number(rest)}</span></li>`,
    )
  }
  items.push(
    '<li><span class="swatch" style="background: var(--span)"></span>running</li>',
    '<li><span class="key" style="color: var(--spawn)">▸</span>spawn</li>',
    '<li><span class="key" style="color: var(--cancel)">⊘</span>cancel</li>',
    '<li><span class="key" style="color: var(--done)">■</span>done</li>',
    '<li><span class="key" style="color: var(--fail)">✕</span>failed</li>',
  )
  return `<ul class="legend" aria-label="legend">${items.join("")}</ul>`
}

function failureHtml(data: PageData): string {
  const o = data.outcome
  if (o.status !== "failed" && o.status !== "stopped") return ""
  const lane = o.originLane
  const where =
    lane >= 0
      ? ` in task ${data.model.tasks.id[lane]} "${escapeHtml(data.model.strings[data.model.tasks.name[lane]!]!)}"`
      : ""
  const verb = o.status === "failed" ? "failed" : "was stopped"
  return `<div class="failure-banner" id="failure" role="alert"><span><strong>The run ${verb}${where}:</strong> ${escapeHtml(o.text)}</span><button type="button" id="show-failure">Show the traceback</button></div>`
}

function count(n: number, noun: string): string {
  return `${number(n)} ${noun}${n === 1 ? "" : "s"}`
}

/** `12,345.678`: like toLocaleString("en-US"), without loading the locale data (~90 ms). */
function number(n: number): string {
  const [whole, fraction] = String(Math.round(n * 1000) / 1000).split(".")
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  return fraction === undefined ? grouped : `${grouped}.${fraction}`
}

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
}

/** JSON that cannot end its `<script>` element early (`</script>`, `<!--`). */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029")
}
