import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"

/** Where the browser tests leave their pages and screenshots. */
export const outputDir = join(
  fileURLToPath(new URL("../../../", import.meta.url)),
  ".test-results",
  "timeline",
)

/**
 * Opens `html` (written to the output folder as `name`.html) in a headless Chromium of its
 * own, runs `body`, and closes the browser whatever happens. Errors the page throws or logs
 * fail the test after `body`.
 */
export async function withPage(
  name: string,
  html: string,
  body: (page: Page) => Promise<void>,
  options: { colorScheme?: "light" | "dark"; viewport?: { width: number; height: number } } = {},
): Promise<void> {
  mkdirSync(outputDir, { recursive: true })
  const file = join(outputDir, `${name}.html`)
  writeFileSync(file, html)
  let browser: Browser | undefined
  try {
    browser = await chromium.launch({
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
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1280, height: 760 },
      colorScheme: options.colorScheme ?? "light",
    })
    const page = await context.newPage()
    const problems: string[] = []
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`)
    })
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) problems.push(`network request: ${request.url()}`)
    })
    await page.goto(`file://${file}`)
    await body(page)
    if (problems.length > 0) throw new Error(problems.join("\n"))
  } finally {
    await browser?.close()
  }
}

/** Saves a screenshot of `page` in the output folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(outputDir, `${name}.png`) })
}
