/**
 * effvm in one import: programs, effects, handlers and the machine (`@effvm/vm-core`), the
 * built-in handlers (`@effvm/handlers`), the cooperative scheduler (`@effvm/scheduler`) and
 * the timeline page of a traced run (`@effvm/timeline`).
 *
 * The Effect-TS and fp-ts bridges (`@effvm/interop`) are at `effvm/interop`, not here:
 * loading Effect-TS costs tens of milliseconds at startup, which a program that does not
 * use it should not pay.
 *
 * @example
 * ```ts
 * import { defaultHandlers, program, runAsync, scheduled, sleep } from "effvm"
 * const main = program(function* main() {
 *   yield* sleep(10)
 *   return "done"
 * })
 * await runAsync(scheduled(main), { handlers: defaultHandlers() })
 * ```
 * @packageDocumentation
 */

export * from "@effvm/handlers"
export * from "@effvm/scheduler"
export * from "@effvm/timeline"
export * from "@effvm/vm-core"
