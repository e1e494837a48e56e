// A/B in one process: node ab.mjs <treeA> <treeB> <workloadFile> <n> <rounds> runtime/variant ...
const [ta, tb, wf, n, rounds, ...want] = process.argv.slice(2)
const A = (await import(`${ta}/bench/dist/workloads/${wf}`)).workload
const B = (await import(`${tb}/bench/dist/workloads/${wf}`)).workload
const pick = (W, w) => { const [rt, v = ""] = w.split("/"); const c = W.cases.find((c) => c.runtime === rt && c.variant === v); if (!c) throw new Error(w); return c }
const jobs = want.flatMap((w) => [[`A ${w}`, pick(A, w)], [`B ${w}`, pick(B, w)]])
const all = new Map()
for (let r = 0; r < +rounds; r++) for (const [k, c] of (r % 2 ? jobs.slice().reverse() : jobs)) {
  const t = process.hrtime.bigint(); let x = c.run(+n); if (x instanceof Promise) x = await x
  const ns = Number(process.hrtime.bigint() - t) / +n
  if (r > 1) (all.get(k) ?? all.set(k, []).get(k)).push(ns)
}
for (const [k] of jobs) { const a = all.get(k).sort((x, y) => x - y); console.log(k.padEnd(30), "min", a[0].toFixed(2), "median", a[a.length >> 1].toFixed(2)) }
