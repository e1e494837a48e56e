// The timeline page in headless Chromium (/usr/bin/chromium, driven by playwright-core; no
// browser is downloaded). Each test starts its own browser and closes it. Pages and
// screenshots are left in .test-results/timeline/.
import { describe, expect, it } from "vitest"
import { renderTimeline } from "../src/index.js"
import { screenshot, withPage } from "./browser.js"
import { bigRun, knownRun } from "./runs.js"

const BROWSER_TEST_TIMEOUT = 120_000

describe("the timeline page", () => {
  it(
    "shows a lane per task of a known run, with name, id and parent",
    async () => {
      const { events, outcome } = knownRun()
      await withPage("known-run", renderTimeline(events, { outcome }), async (page) => {
        const labels = await page.locator(".lane-label").allTextContents()
        await screenshot(page, "known-run")

        expect(labels).toHaveLength(4)
        expect(await page.getAttribute("#timeline", "data-lanes")).toBe("4")
        expect(labels.map((text) => text.replace(/\s+/g, " ").trim())).toEqual([
          "orchestrator #1 failed",
          "batch 1 #2 ← #1 failed",
          "leaf #3 ← #2",
          "leaf #4 ← #2 failed",
        ])
      })
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "shows a tick's effect, handlers and verdicts when it is clicked",
    async () => {
      const { events, outcome } = knownRun()
      await withPage("click-tick", renderTimeline(events, { outcome }), async (page) => {
        const point = await page.evaluate(() => {
          const t = (window as unknown as { effvmTimeline: TimelineHandle }).effvmTimeline
          return t.revealTick(t.laneOf("batch 1"), 0)
        })
        expect(point).not.toBeNull()
        await page.mouse.click(point!.x, point!.y)
        const details = page.locator("#details-body")
        await screenshot(page, "click-tick")

        expect(await details.locator("h2").textContent()).toBe("Perform Work")
        expect(await details.textContent()).toContain('task 2 "batch 1"')
        expect(await details.locator("ol.handlers li").allTextContents()).toEqual([
          "audit ↗ pass",
          "worker ↩ resume",
        ])
      })
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "shows a tick's effect on hover, as text",
    async () => {
      const { events, outcome } = knownRun()
      await withPage("hover-tick", renderTimeline(events, { outcome }), async (page) => {
        const point = await page.evaluate(() => {
          const t = (window as unknown as { effvmTimeline: TimelineHandle }).effvmTimeline
          return t.revealTick(t.laneOf("batch 1"), 0)
        })
        await page.mouse.move(point!.x, point!.y)

        await expect.poll(() => page.locator("#hover").isVisible(), { timeout: 15_000 }).toBe(true)
        expect(await page.locator("#hover").textContent()).toContain("Work")
      })
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "leads from the failure mark to the failing task's traceback",
    async () => {
      const { events, outcome } = knownRun()
      await withPage("failure", renderTimeline(events, { outcome }), async (page) => {
        expect(await page.locator(".lane-label.origin .task-name").textContent()).toBe("leaf")
        await page.locator('.mark-fail[data-lane="3"]').click()
        const details = page.locator("#details-body")
        await screenshot(page, "failure")

        expect(await details.locator("h2").textContent()).toBe('Failed: task 4 "leaf"')
        const traceback = (await details.locator("pre.traceback").textContent()) ?? ""
        expect(traceback).toContain("effvm Traceback (most recent call last):")
        expect(traceback).toContain('leaf("1-2")')
        expect(traceback.trimEnd().endsWith("Error: corrupt data for item 1-2")).toBe(true)
      })
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "leads from the failure banner to the same traceback",
    async () => {
      const { events, outcome } = knownRun()
      await withPage("failure-banner", renderTimeline(events, { outcome }), async (page) => {
        expect(await page.locator("#failure").textContent()).toContain(
          'The run failed in task 4 "leaf": Error: corrupt data for item 1-2',
        )
        await page.click("#show-failure")

        expect(await page.locator("#details-body pre.traceback").textContent()).toContain(
          "Error: corrupt data for item 1-2",
        )
        expect(await page.locator(".mark-fail.selected").getAttribute("data-lane")).toBe("3")
      })
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "steps through a task's performs with the arrow keys",
    async () => {
      const { events, outcome } = knownRun()
      await withPage("keyboard", renderTimeline(events, { outcome }), async (page) => {
        const point = await page.evaluate(() => {
          const t = (window as unknown as { effvmTimeline: TimelineHandle }).effvmTimeline
          return t.revealTick(t.laneOf("batch 1"), 0)
        })
        await page.mouse.click(point!.x, point!.y)
        await page.keyboard.press("ArrowRight")

        expect(await page.locator("#details-body h2").textContent()).toBe("Perform Join")
        expect(await page.locator("#details-body ol.handlers li").allTextContents()).toEqual([
          "scheduler ⇢✗ transfer, throwing",
        ])
      })
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "zooms with the buttons and pans by dragging: the step axis follows",
    async () => {
      const { events, outcome } = bigRun(20_000, 8)
      await withPage("zoom-pan", renderTimeline(events, { outcome }), async (page) => {
        const stepLabels = async () =>
          (await page.locator("#axis-main .axis-label").allTextContents()).map((t) =>
            Number(t.replaceAll(",", "")),
          )
        const fitted = await stepLabels()
        await page.click("#zoom-in")
        await page.click("#zoom-in")
        await page.click("#zoom-in")
        await page.waitForFunction(
          (before) =>
            document.querySelectorAll("#axis-main .axis-label").length > 0 &&
            document.querySelector("#axis-main .axis-label")?.textContent !== before,
          String(fitted[0]),
        )
        const zoomed = await stepLabels()
        const box = (await page.locator("#plot").boundingBox())!
        await page.mouse.move(box.x + box.width * 0.7, box.y + 40)
        await page.mouse.down()
        await page.mouse.move(box.x + box.width * 0.2, box.y + 40, { steps: 10 })
        await page.mouse.up()
        await page.waitForFunction(
          (before) => document.querySelector("#axis-main .axis-label")?.textContent !== before,
          String(zoomed[0]?.toLocaleString("en-US")),
        )
        const panned = await stepLabels()
        await screenshot(page, "zoom-pan")

        // Eight times closer: the labels are closer together in steps.
        expect(zoomed[1]! - zoomed[0]!).toBeLessThan(fitted[1]! - fitted[0]!)
        // Dragged to the left: later steps come into view.
        expect(panned[0]!).toBeGreaterThan(zoomed[0]!)
      })
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "lays the page out on the clock when asked",
    async () => {
      const { events, outcome } = knownRun()
      await withPage("clock-layout", renderTimeline(events, { outcome }), async (page) => {
        await page.selectOption("#layout", "clock")
        await page.waitForFunction(() =>
          document.querySelector("#axis-main .axis-label")?.textContent?.endsWith("ms"),
        )
        await screenshot(page, "clock-layout")

        expect(await page.locator("#axis-main-name").textContent()).toBe("clock")
        expect(await page.locator("#axis-second .axis-label").first().textContent()).toMatch(
          /^step \d+$/,
        )
      })
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "follows the dark colour scheme",
    async () => {
      const { events, outcome } = knownRun()
      const html = renderTimeline(events, { outcome })
      const background = async (scheme: "light" | "dark") => {
        let colour = ""
        await withPage(
          `scheme-${scheme}`,
          html,
          async (page) => {
            colour = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
            await screenshot(page, `scheme-${scheme}`)
          },
          { colorScheme: scheme },
        )
        return colour
      }

      expect(await background("light")).toBe("rgb(247, 247, 249)")
      expect(await background("dark")).toBe("rgb(21, 23, 28)")
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "loads a page of 100,000 events within 2 s",
    async () => {
      const { events, outcome } = bigRun(100_000)
      expect(events.length).toBeGreaterThanOrEqual(100_000)
      await withPage("large", renderTimeline(events, { outcome }), async (page) => {
        // The page's own navigation timing: parsing, the data and the first drawing, not
        // the browser's start.
        const loadMs = await page.evaluate(() => {
          const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming
          return nav.loadEventEnd - nav.startTime
        })
        await screenshot(page, "large")

        expect(await page.locator(".lane-label").count()).toBeGreaterThan(10)
        expect(loadMs).toBeGreaterThan(0)
        expect(loadMs).toBeLessThan(2000)
      })
    },
    BROWSER_TEST_TIMEOUT,
  )

  it(
    "pans a page of 100,000 events without long tasks",
    async () => {
      const { events, outcome } = bigRun(100_000)
      await withPage("large-pan", renderTimeline(events, { outcome }), async (page) => {
        await page.click("#zoom-in")
        await page.click("#zoom-in")
        const box = (await page.locator("#plot").boundingBox())!
        // A machine shared with other work can stall any page now and then: a pan counts as
        // smooth when one of three sweeps has no task over 50 ms.
        const sweeps: number[][] = []
        for (let attempt = 0; attempt < 3; attempt++) {
          await page.evaluate(() => {
            const w = window as unknown as { longTasks: number[] }
            w.longTasks = []
            new PerformanceObserver((list) => {
              for (const entry of list.getEntries()) w.longTasks.push(entry.duration)
            }).observe({ type: "longtask" })
          })
          const rendersBefore = await page.evaluate(() =>
            (window as unknown as { effvmTimeline: TimelineHandle }).effvmTimeline.renders(),
          )
          await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5)
          await page.mouse.down()
          await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.3, { steps: 40 })
          await page.mouse.up()
          // Two frames, so the last render and any long task it caused are reported.
          await page.evaluate(
            () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
          )
          const [longTasks, renders] = await page.evaluate(() => {
            const w = window as unknown as { longTasks: number[]; effvmTimeline: TimelineHandle }
            return [w.longTasks, w.effvmTimeline.renders()] as const
          })
          expect(renders).toBeGreaterThan(rendersBefore)
          sweeps.push(longTasks)
          if (longTasks.length === 0) break
        }
        await screenshot(page, "large-pan")

        expect(
          sweeps.some((longTasks) => longTasks.length === 0),
          JSON.stringify(sweeps),
        ).toBe(true)
      })
    },
    BROWSER_TEST_TIMEOUT,
  )
})

interface TimelineHandle {
  laneOf(name: string): number
  revealTick(lane: number, n: number): { x: number; y: number } | null
  renders(): number
}
