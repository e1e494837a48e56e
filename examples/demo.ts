// The effvm demo: effects, user handlers, deep recursion and error enrichment in one tour.
// Run it with `pnpm demo` after `pnpm install && pnpm build`.
import {
  Delegate,
  Effect,
  fn,
  GetExecutionContext,
  getExecutionContext,
  handler,
  Pass,
  type Program,
  program,
  Resume,
  run,
  Transfer,
  UnhandledEffectError,
  withHandler,
  withHandlers,
} from "@effvm/vm-core"

// 1. An effect is a class; `R` is the type of its answer.
class Ask<T> extends Effect<T> {
  constructor(readonly key: string) {
    super()
  }
}

const greet = fn(function* greet(name: string) {
  const greeting = yield* new Ask<string>("greeting")
  return `${greeting}, ${name}`
})

// 2. A fast-path handler: a plain function returning a control value, no generator per effect.
const reader = (env: Record<string, unknown>) =>
  handler((eff, k) => Transfer(k, env[eff.key]), { handles: [Ask], name: "reader" })

console.log("1. reader answers Ask:", run(withHandler(reader({ greeting: "hi" }), greet("ada"))))

// 3. A generator handler can post-process what the body returns after Resume.
const shout = handler(
  function* shout(_eff, k) {
    const answer = yield* Delegate() // let the outer reader answer first
    const result = yield* Resume(k, String(answer).toUpperCase())
    return `${String(result)}!`
  },
  { handles: [Ask] },
)
console.log(
  "2. shout delegates, resumes, post-processes:",
  run(withHandlers([reader({ greeting: "hello" }), shout], greet("grace"))),
)

// 4. Sub-programs are machine frames: a million-deep recursion does not overflow the JS stack.
const depth: (n: number) => Program<number> = fn(function* depthStep(n: number) {
  if (n === 0) return 0
  return 1 + (yield* depth(n - 1))
})
console.log("3. recursion 1,000,000 frames deep returns", run(depth(1_000_000)))

// 5. A handler that returns without resuming aborts the body; its finally blocks still run.
const body = program(function* guarded() {
  try {
    yield* new Ask<string>("never answered")
    return "unreachable"
  } finally {
    console.log("   (the body's finally ran while the handler aborted)")
  }
})
console.log(
  "4. abort:",
  run(
    withHandler(
      handler(() => "aborted by handler"),
      body,
    ),
  ),
)

// 6. No handler for an effect: a catchable UnhandledEffectError at the perform site.
const lonely = program(function* lonely() {
  try {
    return yield* new Ask<string>("db")
  } catch (e) {
    return e instanceof UnhandledEffectError ? `caught: ${e.message.split(". ")[0]}` : "?"
  }
})
console.log("5.", run(lonely))

// 7. Errors are enriched by the handlers in scope before they unwind.
const requestInfo = handler(
  function* requestInfo(eff, k) {
    if (!(eff instanceof GetExecutionContext)) return yield* Pass()
    eff.context.add({ kind: "request", id: "r-42" })
    return yield* Transfer(k, eff.context)
  },
  { handles: [GetExecutionContext] },
)
const failing = fn(function* failing() {
  throw new Error("disk full")
})
try {
  run(withHandler(requestInfo, failing()))
} catch (e) {
  console.log(
    "6. error",
    (e as Error).message,
    "carries",
    JSON.stringify(getExecutionContext(e)?.entries),
  )
}
