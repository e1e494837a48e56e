// in-process interleaved comparison: node cmp.mjs <workloadFile> <n> <rounds> runtime/variant ...
const [file, n, rounds, ...want] = process.argv.slice(2)
const { workload } = await import(file)
const cases = want.map((w) => { const [rt, v = ""] = w.split("/"); const c = workload.cases.find((c) => c.runtime === rt && c.variant === v); if (!c) throw new Error(w); return [w, c] })
const best = new Map(), all = new Map()
for (let r = 0; r < +rounds; r++) for (const [w, c] of cases) {
  const t = process.hrtime.bigint(); let x = c.run(+n); if (x instanceof Promise) x = await x
  const ns = Number(process.hrtime.bigint() - t) / +n
  if (r > 1) { best.set(w, Math.min(best.get(w) ?? Infinity, ns)); (all.get(w) ?? all.set(w, []).get(w)).push(ns) }
}
for (const [w] of cases) { const a = all.get(w).sort((x, y) => x - y); console.log(w.padEnd(22), "min", best.get(w).toFixed(1), "median", a[a.length >> 1].toFixed(1)) }
