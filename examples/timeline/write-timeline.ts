// Renders the shop's checkout (shop.ts) as a timeline page: the run is traced with
// `trace: "full"`, its outcome (a declined card) is passed along so the failing task is
// highlighted with its traceback. Run after `pnpm build`:
//   node examples/dist/timeline/write-timeline.js [out.html]
// and open the file it names in a browser.
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { defaultHandlers } from "@effvm/handlers"
import { scheduled, VirtualClock } from "@effvm/scheduler"
import { renderTimeline } from "@effvm/timeline"
import { type RunOutcome, runOutcome, type TraceEvent } from "@effvm/vm-core"
import shop from "./shop.js"

/** Runs the checkout traced; returns its events and how it ended. */
export function traceShop(): { events: TraceEvent[]; outcome: RunOutcome<unknown> } {
  const events: TraceEvent[] = []
  const handlers = defaultHandlers({
    env: { depot: "north" },
    log: { keep: false, sink: () => {} },
  })
  const outcome = runOutcome(scheduled(shop, { clock: new VirtualClock() }), {
    handlers,
    trace: "full",
    onEvent: (event) => events.push(event),
  })
  return { events, outcome }
}

/** The checkout's timeline page. */
export function shopTimeline(): string {
  const { events, outcome } = traceShop()
  return renderTimeline(events, { outcome, title: "effvm timeline: a shop's checkout" })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = process.argv[2] ?? join(tmpdir(), "effvm-shop-timeline.html")
  const { events, outcome } = traceShop()
  writeFileSync(
    file,
    renderTimeline(events, { outcome, title: "effvm timeline: a shop's checkout" }),
  )
  console.log(`${events.length} events, the run ${outcome.status}: timeline written to ${file}`)
}
