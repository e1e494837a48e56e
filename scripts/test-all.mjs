// Runs every check that produces a pass/fail count: the vitest suites, each example as a
// child process, and the benchmark smoke run. Prints `tests: N passed, N failed` last.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"

const root = new URL("..", import.meta.url).pathname
let passed = 0
let failed = 0

function section(title) {
  console.log(`\n== ${title} ==`)
}

// 1. Unit, acceptance and property tests (vitest).
section("vitest")
mkdirSync(join(root, ".test-results"), { recursive: true })
const report = join(root, ".test-results", "vitest.json")
const vitest = spawnSync(
  "pnpm",
  ["exec", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
  { cwd: root, stdio: "inherit" },
)
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"))
  passed += r.numPassedTests
  failed +=
    r.numFailedTests +
    (r.numTotalTestSuites > 0 && r.success === false && r.numFailedTests === 0 ? 1 : 0)
} else {
  console.log(`vitest produced no report (exit ${vitest.status})`)
  failed += 1
}

// 2. Examples: every compiled example runs to completion (those named *.fails.js must exit 1).
section("examples")
const examplesDir = join(root, "examples", "dist")
const examples = existsSync(examplesDir) ? listJs(examplesDir) : []
for (const file of examples) {
  const expectFailure = file.endsWith(".fails.js")
  const r = spawnSync(process.execPath, ["--enable-source-maps", file], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  })
  // An uncaught example has no catch: Node's own report must show the chain of tasks.
  const chain = !file.includes("uncaught") || r.stderr.includes("── in task")
  const ok = expectFailure
    ? r.status === 1 && r.stderr.includes("Traceback") && chain
    : r.status === 0
  const name = file.slice(root.length)
  if (ok) {
    passed++
    console.log(`  ✓ ${name}`)
  } else {
    failed++
    console.log(`  ✗ ${name} (exit ${r.status})\n${r.stdout}\n${r.stderr}`)
  }
}

// 3. Benchmarks in smoke mode: tiny sizes, checksums verified.
section("bench smoke")
const bench = spawnSync(process.execPath, [join(root, "bench", "run.mjs"), "--smoke"], {
  cwd: root,
  encoding: "utf8",
})
process.stdout.write(bench.stdout)
process.stderr.write(bench.stderr)
const smoke = /bench smoke: (\d+) passed, (\d+) failed/.exec(bench.stdout)
if (smoke) {
  passed += Number(smoke[1])
  failed += Number(smoke[2])
} else failed++
if (bench.status !== 0 && (!smoke || Number(smoke[2]) === 0)) failed++

console.log(`\ntests: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)

function listJs(dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...listJs(path))
    else if (name.endsWith(".js")) out.push(path)
  }
  return out
}
