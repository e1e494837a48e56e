#!/usr/bin/env node
// Regenerates the traceback samples in docs/errors.md from real runs of the examples, so
// the document cannot go stale: each block between `<!-- errors-doc:NAME -->` and
// `<!-- /errors-doc:NAME -->` is replaced by what `examples/dist/errors/NAME.js` prints.
//
//   node scripts/errors-doc.mjs          rewrite docs/errors.md
//   node scripts/errors-doc.mjs --check  exit 1 (and say which block) if it is stale
//
// Needs the build (`pnpm build` compiles the examples). test/errors-doc.test.ts runs --check.
import { spawnSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const docPath = join(root, "docs", "errors.md")
const block = /<!-- errors-doc:([\w/.-]+) -->\n[\s\S]*?<!-- \/errors-doc:\1 -->/g

/** What the example prints on stderr, with what depends on the machine left out. */
function sampleOf(name) {
  const env = { ...process.env }
  delete env.EFFVM_CAPTURE_STACKS
  delete env.NODE_OPTIONS
  const r = spawnSync(
    process.execPath,
    ["--enable-source-maps", join(root, "examples", "dist", "errors", `${name}.js`)],
    { cwd: root, encoding: "utf8", env, timeout: 60_000 },
  )
  if (r.status !== 1) throw new Error(`examples/errors/${name} exited ${r.status}, expected 1`)
  return tidy(r.stderr)
}

/**
 * Node's report of an uncaught error starts with the internal line that rethrew it and ends
 * with the JS stack's absolute paths and Node's version: the sample keeps what effvm printed.
 */
function tidy(text) {
  const lines = text.replace(/\s+$/, "").split("\n")
  const start = lines.findIndex((l) => l.startsWith("effvm Traceback"))
  const out = []
  let elided = false
  for (const line of lines.slice(Math.max(start, 0))) {
    if (/^\s+at /.test(line)) {
      if (!elided) out.push("    at … (the JS stack, kept after the traceback)")
      elided = true
      continue
    }
    if (/^Node\.js v\d/.test(line)) continue
    out.push(line)
  }
  return out.join("\n").replace(/\s+$/, "")
}

function regenerate(doc) {
  return doc.replace(block, (_whole, name) => {
    return `<!-- errors-doc:${name} -->\n\`\`\`\n${sampleOf(name)}\n\`\`\`\n<!-- /errors-doc:${name} -->`
  })
}

const current = readFileSync(docPath, "utf8")
const fresh = regenerate(current)
if (process.argv.includes("--check")) {
  if (fresh !== current) {
    const stale = [...current.matchAll(block)].filter((m) => !fresh.includes(m[0])).map((m) => m[1])
    console.error(
      `docs/errors.md is stale (${stale.join(", ") || "samples"}): run node scripts/errors-doc.mjs`,
    )
    process.exit(1)
  }
  console.log("docs/errors.md: every traceback sample matches a real run")
} else {
  writeFileSync(docPath, fresh)
  console.log("docs/errors.md: samples regenerated")
}
