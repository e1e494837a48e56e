import { describe, expect, it } from "vitest"
import { runPlant } from "../examples/control-plane/plant.js"

describe("examples/control-plane/plant", () => {
  it("runs the sensor and controller until the round limit stops it, then prints task stats", () => {
    const lines = runPlant(40)

    expect(lines.slice(-3, -1)).toEqual([
      "[ 380 ms] sensor: 39 activations, last 0 ms, max 0 ms, 0 overruns",
      "[ 380 ms] controller: 8 activations, last 0 ms, max 0 ms, 0 overruns",
    ])
    expect(lines.at(-1)).toMatch(/^\[ 380 ms\] run stopped after \d+ machine steps$/)
    expect(lines).toContain("[ 100 ms] controller scan 3: 25.5 °C, valve open")
  })

  it("faults a controller that hangs in its scan with its watchdog", () => {
    const last = runPlant(40, true).at(-1)!
    expect(last).toContain('run failed in task 3 "controller": Watchdog: task 3 "controller"')
    expect(last).toContain("over its budget of 5000 steps")
  })
})
