// Which files a traceback treats as effvm's own (never shown): every effvm package, the
// interop bridges included, in the workspace or installed.
import { describe, expect, it } from "vitest"
import { isInternalFile } from "../src/errors/site.js"

describe("effvm's own files", () => {
  it.each([
    "/repo/packages/interop/dist/either.js",
    "/repo/packages/interop/src/from-effect.ts",
    "/app/node_modules/@effvm/interop/dist/to-effect.js",
    "/repo/packages/scheduler/dist/scheduler.js",
    "/app/node_modules/effvm/dist/index.js",
  ])("%s is effvm's own", (file) => {
    expect(isInternalFile(file)).toBe(true)
  })

  it.each([
    "/repo/packages/interop/test/either.test.ts",
    "/repo/examples/interop/effect-bridge.ts",
    "/app/src/interop/adapter.ts",
  ])("%s is user code", (file) => {
    expect(isInternalFile(file)).toBe(false)
  })
})
