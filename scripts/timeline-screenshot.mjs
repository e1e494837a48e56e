// Regenerates the timeline screenshots of docs/timeline.md from a real run: the shop's
// checkout of examples/timeline (seven charges, one declined card). Needs `pnpm build` and
// Chromium at /usr/bin/chromium (scripts/system-packages.sh installs it). Run with
//   pnpm timeline:screenshot
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { chromium } from "playwright-core"

const root = new URL("..", import.meta.url).pathname
const { shopTimeline } = await import(join(root, "examples/dist/timeline/write-timeline.js"))
const out = join(root, ".test-results", "timeline")
mkdirSync(out, { recursive: true })
const page = join(out, "shop.html")
writeFileSync(page, shopTimeline())

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
})
try {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 760 },
      deviceScaleFactor: 1,
      colorScheme: scheme,
    })
    const tab = await context.newPage()
    await tab.goto(`file://${page}`)
    // Show what a reader clicks first: the failure and its traceback.
    await tab.click("#show-failure")
    await tab.waitForSelector("pre.traceback")
    const file = join(root, "docs", scheme === "light" ? "timeline.png" : "timeline-dark.png")
    await tab.screenshot({ path: file })
    console.log(`wrote ${file.slice(root.length)}`)
    if (scheme === "light") {
      // A perform's details: the declined charge, through fraudCheck (pass) to the gateway.
      const point = await tab.evaluate(() => {
        const t = window.effvmTimeline
        return t.revealTick(t.laneOf("charge o-15"), 2)
      })
      await tab.mouse.click(point.x, point.y)
      const heading = await tab.locator("#details-body h2").textContent()
      if (heading !== "Perform Charge")
        throw new Error(`expected the Charge perform, got ${heading}`)
      await tab.mouse.move(point.x, point.y)
      await tab.waitForSelector("#hover:not([hidden])")
      const tick = join(root, "docs", "timeline-tick.png")
      await tab.screenshot({ path: tick })
      console.log(`wrote ${tick.slice(root.length)}`)
    }
    await context.close()
  }
} finally {
  await browser.close()
}
