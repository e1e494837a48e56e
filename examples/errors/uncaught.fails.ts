// Fails on purpose (docs/errors.md, "The traceback without asking"): no try/catch and no
// formatTraceback. The module's top-level await rejects, and Node's own report of the
// uncaught error prints the effvm traceback with its chain of tasks. CI checks that it does.
import { gather, scheduled, sleep, spawn, VirtualClock } from "@effvm/scheduler"
import { fn, program, runAsync, type Yielded } from "@effvm/vm-core"

const resize = fn(function* resize(image: string): Generator<Yielded, string, unknown> {
  yield* sleep(5)
  if (image.endsWith(".bmp")) throw new Error(`cannot resize ${image}: unsupported format`)
  return `${image} (small)`
})

const album = fn(function* album(name: string, images: string[]) {
  const tasks = []
  for (const image of images) tasks.push(yield* spawn(resize(image), { name: `${name}/${image}` }))
  return yield* gather(...tasks)
})

const main = program(function* main() {
  const task = yield* spawn(album("holiday", ["beach.jpg", "hotel.bmp"]), { name: "holiday" })
  return yield* gather(task)
})

await runAsync(scheduled(main, { clock: new VirtualClock() }))
