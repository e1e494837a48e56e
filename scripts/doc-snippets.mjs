// Type-checks every ```ts block of the docs and every `@example` of the doc comments, and
// runs the blocks marked as complete programs (```ts run). docs/testing.md describes the
// conventions (fence words, hidden preambles, the shared preamble, automatic imports).
//
//   node scripts/doc-snippets.mjs            # check and run
//   node scripts/doc-snippets.mjs --no-run   # check only
//   node scripts/doc-snippets.mjs --root DIR # the docs of DIR instead (test fixtures)
//
// Each snippet becomes one module in .doc-snippets/ (git-ignored), compiled by one tsc run
// against the built packages; errors are reported at the line of the doc or source file.
import { spawnSync } from "node:child_process"
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import ts from "typescript"

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = join(here, "..")

const PREAMBLE_OPEN = "<!-- ts-preamble"
const FENCE = /^(\s*)```(ts|typescript)(?:\s+(.*))?$/

// ---------------------------------------------------------------------------------------
// Extraction

/**
 * The ```ts blocks of one markdown file: `{ file, line, words, code, preamble }`, where
 * `line` is the 1-based line of the block's first code line and `words` the fence's
 * info words after `ts` (`run`, `continue`).
 */
export function markdownBlocks(text, file) {
  const lines = text.split("\n")
  const blocks = []
  let pendingPreamble = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.trim().startsWith(PREAMBLE_OPEN)) {
      const body = []
      const first = line.trim().slice(PREAMBLE_OPEN.length)
      let j = i
      if (first.includes("-->")) body.push(first.slice(0, first.indexOf("-->")))
      else {
        if (first.trim() !== "") body.push(first)
        for (j = i + 1; j < lines.length && !lines[j].includes("-->"); j++) body.push(lines[j])
        const last = lines[j] ?? ""
        if (last.indexOf("-->") > 0) body.push(last.slice(0, last.indexOf("-->")))
      }
      pendingPreamble = { line: i + 2, code: body.join("\n") }
      i = j
      continue
    }
    const open = FENCE.exec(line)
    if (open === null) {
      if (line.startsWith("```")) {
        // another language's block: skip it whole
        for (i++; i < lines.length && !lines[i].trim().startsWith("```"); i++);
      }
      if (line.trim() !== "") pendingPreamble = null
      continue
    }
    const indent = open[1]
    const words = (open[3] ?? "").split(/\s+/).filter((w) => w !== "")
    const code = []
    const start = i + 2
    for (i++; i < lines.length && lines[i].trim() !== "```"; i++) {
      code.push(lines[i].startsWith(indent) ? lines[i].slice(indent.length) : lines[i])
    }
    blocks.push({ file, line: start, words, code: code.join("\n"), preamble: pendingPreamble })
    pendingPreamble = null
  }
  return blocks
}

/** The ```ts blocks that follow an `@example` tag in the doc comments of one source file. */
export function exampleBlocks(text, file) {
  const lines = text.split("\n")
  const blocks = []
  let inComment = false
  let afterExample = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!inComment) {
      if (line.includes("/**") && !line.includes("*/")) {
        inComment = true
        afterExample = false
      }
      continue
    }
    const content = line.replace(/^\s*\*? ?/, "")
    if (line.includes("*/")) {
      inComment = false
      continue
    }
    if (content.startsWith("@example")) afterExample = true
    else if (content.startsWith("@")) afterExample = false
    const open = FENCE.exec(content)
    if (afterExample && open !== null) {
      const words = (open[3] ?? "").split(/\s+/).filter((w) => w !== "")
      const code = []
      const start = i + 2
      for (i++; i < lines.length; i++) {
        const c = lines[i].replace(/^\s*\* ?/, "")
        if (c.trim() === "```" || lines[i].includes("*/")) break
        code.push(c)
      }
      blocks.push({ file, line: start, words, code: code.join("\n"), preamble: null })
    }
  }
  return blocks
}

function listFiles(dir, accept, out = []) {
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir).sort()) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) listFiles(path, accept, out)
    else if (accept(name)) out.push(path)
  }
  return out
}

// Files whose blocks arrived stale with a merge and are not yet fixed: skipped, and counted
// in the summary line so they are not forgotten. Fix a file's blocks, then remove it here.
export const knownStale = []

/** Every snippet of the repository: docs/**.md, README.md, and packages/*\/src @examples. */
export function collectSnippets(root = repoRoot) {
  const snippets = []
  const markdown = [
    join(root, "README.md"),
    ...listFiles(join(root, "docs"), (n) => n.endsWith(".md")),
  ]
  for (const path of markdown) {
    if (!existsSync(path)) continue
    snippets.push(...markdownBlocks(readFileSync(path, "utf8"), relative(root, path)))
  }
  const packages = join(root, "packages")
  const sources = existsSync(packages)
    ? readdirSync(packages).flatMap((p) =>
        listFiles(join(packages, p, "src"), (n) => n.endsWith(".ts")),
      )
    : []
  for (const path of sources) {
    snippets.push(...exampleBlocks(readFileSync(path, "utf8"), relative(root, path)))
  }
  return snippets
}

// ---------------------------------------------------------------------------------------
// Generation

/** Names a snippet may use without importing them, and the module each comes from. */
export function umbrellaExports(root = repoRoot) {
  // first entry wins a name; the internal entry serves the examples of effvm's own internals
  const entries = {
    effvm: join(root, "packages/effvm/dist/index.d.ts"),
    "effvm/interop": join(root, "packages/effvm/dist/interop.d.ts"),
    "effvm/durable": join(root, "packages/effvm/dist/durable.d.ts"),
    "@effvm/vm-core/internal": join(root, "packages/vm-core/dist/internal.d.ts"),
  }
  for (const file of Object.values(entries)) {
    if (!existsSync(file))
      throw new Error(`${relative(root, file)} is missing: run \`pnpm build\` first`)
  }
  // Reading the declarations takes seconds; the answer only changes with a build.
  const cacheFile = join(root, "node_modules/.cache/doc-snippets/exports.json")
  const stamp = Object.values(entries)
    .map((f) => statSync(f).mtimeMs)
    .join(",")
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, "utf8"))
    if (cached.stamp === stamp) return new Map(cached.names)
  }
  const program = ts.createProgram(Object.values(entries), { noEmit: true, skipLibCheck: true })
  const checker = program.getTypeChecker()
  const names = new Map()
  for (const [specifier, file] of Object.entries(entries)) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file))
    for (const s of checker.getExportsOfModule(moduleSymbol)) {
      if (!names.has(s.name)) names.set(s.name, specifier)
    }
  }
  mkdirSync(dirname(cacheFile), { recursive: true })
  writeFileSync(cacheFile, JSON.stringify({ stamp, names: [...names] }))
  return names
}

/**
 * For an @example, the exports of the source file it documents (read from the built
 * declaration file), so an example may use its own file's names: name → import specifier.
 */
export function sourceFileExports(files, root = repoRoot) {
  const dtsOf = new Map()
  for (const file of files) {
    const hit = /^packages\/([^/]+)\/src\/(.+)\.ts$/.exec(file)
    const dts = hit && join(root, "packages", hit[1], "dist", `${hit[2]}.d.ts`)
    if (dts && existsSync(dts))
      dtsOf.set(file, { dts, specifier: `../../packages/${hit[1]}/dist/${hit[2]}.js` })
  }
  const program = ts.createProgram(
    [...dtsOf.values()].map((d) => d.dts),
    { noEmit: true, skipLibCheck: true },
  )
  const checker = program.getTypeChecker()
  const byFile = new Map()
  for (const [file, { dts, specifier }] of dtsOf) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(dts))
    const names = new Map()
    for (const s of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [])
      names.set(s.name, specifier)
    byFile.set(file, names)
  }
  return (file) => byFile.get(file) ?? new Map()
}

function topLevelNames(sf) {
  const names = new Set()
  const addBinding = (b) => {
    if (ts.isIdentifier(b)) names.add(b.text)
    else for (const e of b.elements) if (!ts.isOmittedExpression(e)) addBinding(e.name)
  }
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause
      if (c?.name) names.add(c.name.text)
      if (c?.namedBindings && ts.isNamespaceImport(c.namedBindings))
        names.add(c.namedBindings.name.text)
      if (c?.namedBindings && ts.isNamedImports(c.namedBindings))
        for (const e of c.namedBindings.elements) names.add(e.name.text)
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) addBinding(d.name)
    } else if (
      (ts.isClassDeclaration(st) ||
        ts.isFunctionDeclaration(st) ||
        ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st) ||
        ts.isEnumDeclaration(st)) &&
      st.name
    ) {
      names.add(st.name.text)
    }
  }
  return names
}

function identifiersOf(sf) {
  const used = new Set()
  const visit = (n) => {
    if (ts.isIdentifier(n)) used.add(n.text)
    n.forEachChild(visit)
  }
  visit(sf)
  return used
}

// A fragment written as the body of a generator (`const t = yield* spawn(p)`,
// `return yield* gather(a, b)`) is wrapped in one; a complete module is left as it is.
function needsGeneratorWrapper(code) {
  const wrapped = ts.createSourceFile(
    "w.ts",
    `function* __w() {\n${code}\n}`,
    ts.ScriptTarget.ES2022,
    true,
  )
  const wrapper = wrapped.statements[0]
  let found = false
  const visit = (n, owner) => {
    if (found) return
    if ((ts.isYieldExpression(n) || ts.isReturnStatement(n)) && owner === wrapper) found = true
    const next = ts.isFunctionLike(n) ? n : owner
    n.forEachChild((c) => visit(c, next))
  }
  wrapper.forEachChild((c) => visit(c, wrapper))
  return found
}

function slug(file, line) {
  return `${file.replace(/[^A-Za-z0-9]+/g, "-")}-L${line}`
}

/**
 * Turns snippets into modules: `{ name, text, map, run, origin }`, where `map[i]` is the
 * source location (`{ file, line }`) of the generated line i + 1, or null for a line the
 * generator added.
 */
export function generateModules(snippets, exported, ownExports = () => new Map()) {
  const modules = []
  const chains = new Map() // file → segments of the current `continue` chain
  for (const s of snippets) {
    const previous = chains.get(s.file) ?? []
    const segments = s.words.includes("continue") ? [...previous] : []
    if (s.preamble !== null)
      segments.push({ file: s.file, line: s.preamble.line, code: s.preamble.code, hoist: true })
    segments.push({ file: s.file, line: s.line, code: s.code })
    chains.set(s.file, segments)

    const body = []
    const map = []
    for (const seg of segments) {
      for (const [i, l] of seg.code.split("\n").entries()) {
        body.push(l)
        map.push({ file: seg.file, line: seg.line + i, hoist: seg.hoist === true })
      }
    }
    const code = body.join("\n")
    const sf = ts.createSourceFile("s.ts", code, ts.ScriptTarget.ES2022, true)
    const local = topLevelNames(sf)
    const imports = new Map()
    const own = ownExports(s.file)
    for (const name of identifiersOf(sf)) {
      const from = own.get(name) ?? exported.get(name)
      if (from !== undefined && !local.has(name)) {
        if (!imports.has(from)) imports.set(from, [])
        imports.get(from).push(name)
      }
    }
    const out = []
    const outMap = []
    const add = (text, origin = null) => {
      out.push(text)
      outMap.push(origin)
    }
    add(`// Generated from ${s.file}:${s.line} by scripts/doc-snippets.mjs: do not edit.`)
    for (const [from, names] of [...imports].sort())
      add(`import { ${names.sort().join(", ")} } from "${from}"`)
    const wrap = needsGeneratorWrapper(code)
    if (wrap) {
      // imports and hidden preambles stay at the top; the rest becomes a generator's body
      const importLines = new Set(map.flatMap((m, i) => (m.hoist ? [i] : [])))
      for (const st of sf.statements) {
        if (!ts.isImportDeclaration(st)) continue
        const a = sf.getLineAndCharacterOfPosition(st.getStart(sf)).line
        const b = sf.getLineAndCharacterOfPosition(st.getEnd()).line
        for (let l = a; l <= b; l++) importLines.add(l)
      }
      for (const [i, l] of body.entries()) if (importLines.has(i)) add(l, map[i])
      add("export function* __snippet() {")
      for (const [i, l] of body.entries()) if (!importLines.has(i)) add(l, map[i])
      add("}")
    } else {
      for (const [i, l] of body.entries()) add(l, map[i])
      add("export {}")
    }
    modules.push({
      name: slug(s.file, s.line),
      text: `${out.join("\n")}\n`,
      map: outMap,
      run: s.words.includes("run"),
      origin: `${s.file}:${s.line}`,
    })
  }
  return modules
}

// ---------------------------------------------------------------------------------------
// Checking and running

const TSC_LINE = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/

/**
 * Writes the modules to `outDir`, type-checks them with one tsc run and returns
 * `{ errors, modules }`: each error as "file:line:col - error TSnnnn: message", located in
 * the doc or source file the snippet came from.
 */
export function checkModules(modules, { outDir, root = repoRoot, preamble }) {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(join(outDir, "src"), { recursive: true })
  for (const m of modules) writeFileSync(join(outDir, "src", `${m.name}.ts`), m.text)
  writeFileSync(join(outDir, "src", "preamble.d.ts"), readFileSync(preamble, "utf8"))
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2022", "DOM"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [join(root, "node_modules/@types")],
      rootDir: "src",
      outDir: "out",
      sourceMap: true,
      noEmitOnError: false,
    },
    include: ["src"],
  }
  writeFileSync(join(outDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`)
  writeFileSync(join(outDir, "package.json"), '{ "type": "module", "private": true }\n')
  const tsc = join(root, "node_modules/typescript/bin/tsc")
  const r = spawnSync(process.execPath, [tsc, "-p", outDir, "--pretty", "false"], {
    encoding: "utf8",
  })
  const byFile = new Map(modules.map((m) => [`${m.name}.ts`, m]))
  const errors = []
  for (const line of `${r.stdout}${r.stderr}`.split("\n")) {
    const hit = TSC_LINE.exec(line.trim())
    if (hit === null) {
      if (line.trim() !== "" && !line.startsWith(" ")) errors.push(line.trim())
      else if (line.trim() !== "" && errors.length > 0) errors[errors.length - 1] += `\n${line}`
      continue
    }
    const [, path, l, col, , code, message] = hit
    const name = path.split(/[\\/]/).pop()
    const m = byFile.get(name)
    const origin = m?.map[Number(l) - 1]
    const where = origin
      ? `${origin.file}:${origin.line}:${col}`
      : m
        ? `${m.origin} (generated line ${l})`
        : path
    errors.push(`${where} - error ${code}: ${message}`)
  }
  if (r.status !== 0 && errors.length === 0) errors.push(`tsc exited ${r.status}`)
  return [...new Set(errors)] // a block continued by later ones is compiled in each of them
}

/** Runs the compiled `run` modules; returns the failures, each naming the block. */
export function runModules(modules, { outDir, root = repoRoot }) {
  const failures = []
  for (const m of modules.filter((x) => x.run)) {
    const r = spawnSync(
      process.execPath,
      ["--enable-source-maps", join(outDir, "out", `${m.name}.js`)],
      {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
      },
    )
    if (r.status !== 0)
      failures.push(`${m.origin} - the block ran and exited ${r.status}:\n${r.stdout}${r.stderr}`)
  }
  return failures
}

async function main() {
  const args = process.argv.slice(2)
  const noRun = args.includes("--no-run")
  // --root DIR: check the README.md and docs/ of another folder inside the repository (the
  // tests use fixtures); the packages are still the repository's own build.
  const rootAt = args.indexOf("--root")
  const root = rootAt >= 0 ? resolve(args[rootAt + 1]) : repoRoot
  const outDir = join(root, ".doc-snippets")
  const all = collectSnippets(root)
  const snippets = all.filter((s) => !knownStale.some((f) => s.file.startsWith(f)))
  const skipped = all.length - snippets.length
  const own = sourceFileExports([...new Set(snippets.map((s) => s.file))])
  const modules = generateModules(snippets, umbrellaExports(), own)
  const errors = checkModules(modules, {
    outDir,
    preamble: join(here, "doc-snippets-preamble.d.ts"),
  })
  for (const e of errors) console.error(e)
  const runnable = modules.filter((m) => m.run).length
  const failures = errors.length === 0 && !noRun ? runModules(modules, { outDir, root }) : []
  for (const f of failures) console.error(f)
  const docs = snippets.filter((s) => s.file.endsWith(".md")).length
  console.log(
    `doc snippets: ${docs} doc blocks and ${snippets.length - docs} @examples type-checked` +
      `${noRun || errors.length > 0 ? "" : `, ${runnable} run`}; ${errors.length + failures.length} problem(s)` +
      `${skipped > 0 ? `; ${skipped} known-stale blocks skipped (${knownStale.join(", ")})` : ""}`,
  )
  process.exit(errors.length + failures.length === 0 ? 0 : 1)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
