import { Interrupt, program, run, withHandler } from "@effvm/vm-core"
import { describe, expect, it } from "vitest"
import { ask, attempt, local, reader } from "../src/index.js"

describe("attempt", () => {
  it("gives { ok: true, value } when its body returns", () => {
    const body = program(function* body() {
      return 42
    })
    expect(run(attempt(body))).toEqual({ ok: true, value: 42 })
  })

  it("gives { ok: false, error } when its body throws", () => {
    const boom = new Error("boom")
    const body = program(function* body() {
      throw boom
    })
    expect(run(attempt(body))).toEqual({ ok: false, error: boom })
  })

  it("does not catch an Interrupt", () => {
    const body = program(function* body() {
      throw new Interrupt("stop")
    })
    expect(() => run(attempt(body))).toThrow(Interrupt)
  })

  it("does not catch a subclass of Interrupt", () => {
    class Cancelled extends Interrupt {}
    const body = program(function* body() {
      throw new Cancelled("cancelled")
    })
    expect(() => run(attempt(body))).toThrow(Cancelled)
  })

  it("runs its body at the perform site, under the handlers in between", () => {
    const body = program(function* body() {
      return yield* ask<string>("user")
    })
    const main = program(function* main() {
      return yield* local({ user: "inner" }, attempt(body))
    })
    expect(run(withHandler(reader({ user: "outer" }), main))).toEqual({ ok: true, value: "inner" })
  })

  it("rejects a factory passed instead of a program with a clear TypeError", () => {
    const factory = () => program(function* notCalled() {})
    // @ts-expect-error: the misuse under test
    expect(() => attempt(factory)).toThrow(/expects a program/)
  })
})
