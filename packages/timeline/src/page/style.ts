/** The page's style sheet: light by default, dark under `prefers-color-scheme: dark`. */
export const pageStyle = `
:root {
  color-scheme: light dark;
  --bg: #f7f7f9; --fg: #1d1f24; --muted: #5f6470; --border: #d6d8de; --panel: #ffffff;
  --plot-bg: #ffffff; --lane-alt: #f3f4f7; --grid: #e6e8ee; --life: #b4b8c3;
  --span: #8db4f0; --span-failed: #f2a3a3; --failed-lane: #fdf0f0; --origin-lane: #fbdede;
  --wait: rgba(90, 100, 120, 0.35); --select: #111318; --accent: #2458c6;
  --fail: #c62828; --fail-bg: #fdecec; --done: #2e7d32; --cancel: #b26a00; --spawn: #2458c6;
  --c0: #2458c6; --c1: #d9480f; --c2: #2b8a3e; --c3: #862e9c; --c4: #c2255c;
  --c5: #0b7285; --c6: #e67700; --c7: #5c940d; --c8: #364fc7; --c9: #a61e4d; --c-other: #868e96;
  --labels-w: 240px;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15171c; --fg: #e4e6eb; --muted: #9aa0ad; --border: #323640; --panel: #1c1f26;
    --plot-bg: #181a20; --lane-alt: #1e2129; --grid: #2a2e38; --life: #4b5160;
    --span: #2f5ea8; --span-failed: #8a3636; --failed-lane: #2c1b1f; --origin-lane: #3d1f24;
    --wait: rgba(190, 200, 220, 0.35); --select: #ffffff; --accent: #7aa7ff;
    --fail: #ff6b6b; --fail-bg: #3a1d21; --done: #69db7c; --cancel: #ffa94d; --spawn: #7aa7ff;
    --c0: #74a9ff; --c1: #ff8a4c; --c2: #69db7c; --c3: #da77f2; --c4: #f783ac;
    --c5: #3bc9db; --c6: #ffc078; --c7: #a9e34b; --c8: #91a7ff; --c9: #ff8787; --c-other: #9aa0ad;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; background: var(--bg); color: var(--fg); }
button { font: inherit; color: inherit; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.muted { color: var(--muted); }
header.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 16px; padding: 10px 14px; border-bottom: 1px solid var(--border); background: var(--panel); }
header.bar h1 { font-size: 16px; margin: 0; font-weight: 600; }
#summary { margin: 0; color: var(--muted); }
.controls { display: flex; gap: 6px; align-items: center; margin-left: auto; }
.controls button, .controls select { background: var(--bg); border: 1px solid var(--border); border-radius: 5px; padding: 2px 9px; min-width: 28px; cursor: pointer; color: inherit; font: inherit; }
.controls button:hover { border-color: var(--accent); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; padding: 6px 14px; margin: 0; list-style: none; border-bottom: 1px solid var(--border); background: var(--panel); color: var(--muted); }
.legend li { display: flex; align-items: center; gap: 5px; }
.legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
.legend .key { display: inline-block; width: 14px; text-align: center; font-weight: 700; }
.failure-banner { display: flex; align-items: center; gap: 12px; padding: 8px 14px; background: var(--fail-bg); color: var(--fg); border-bottom: 1px solid var(--fail); }
.failure-banner strong { color: var(--fail); }
.failure-banner button { margin-left: auto; border: 1px solid var(--fail); background: transparent; color: var(--fail); border-radius: 5px; padding: 2px 10px; cursor: pointer; white-space: nowrap; }
.timeline { flex: 1; display: flex; flex-direction: column; min-height: 160px; }
.axes { display: flex; height: 42px; border-bottom: 1px solid var(--border); background: var(--panel); }
.axes-corner { width: var(--labels-w); flex: none; display: flex; flex-direction: column; justify-content: space-around; padding: 0 10px; color: var(--muted); border-right: 1px solid var(--border); font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; }
.axis-rows { flex: 1; display: flex; flex-direction: column; overflow: hidden; }
.axis-row { position: relative; flex: 1; overflow: hidden; white-space: nowrap; }
.axis-row + .axis-row { border-top: 1px dashed var(--grid); }
.axis-label { position: absolute; left: 0; top: 2px; padding-left: 3px; border-left: 1px solid var(--life); font-size: 11px; color: var(--muted); font-variant-numeric: tabular-nums; }
.scroller { flex: 1; position: relative; overflow-y: auto; overflow-x: hidden; }
.spacer { position: absolute; top: 0; left: 0; width: 1px; pointer-events: none; }
.stage { position: sticky; top: 0; height: 100%; display: flex; }
.labels { width: var(--labels-w); flex: none; position: relative; overflow: hidden; border-right: 1px solid var(--border); background: var(--panel); }
.lane-label { position: absolute; left: 0; top: 0; width: 100%; height: 26px; display: flex; align-items: center; gap: 6px; padding: 0 8px; border: 0; background: transparent; text-align: left; cursor: pointer; white-space: nowrap; overflow: hidden; }
.lane-label:hover, .lane-label.selected { background: var(--lane-alt); }
.lane-label .task-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; }
.lane-label .task-id, .lane-label .task-parent { color: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
.lane-label .task-state { font-size: 11px; color: var(--muted); }
.lane-label .state-2 { color: var(--cancel); }
.lane-label .state-3 { color: var(--fail); font-weight: 600; }
.lane-label.failed .task-name { color: var(--fail); }
.lane-label.origin { box-shadow: inset 3px 0 0 var(--fail); }
.plot { flex: 1; position: relative; overflow: hidden; cursor: crosshair; touch-action: none; outline: none; }
.plot:focus-visible { box-shadow: inset 0 0 0 2px var(--accent); }
.plot.dragging { cursor: grabbing; }
.plot canvas { position: absolute; left: 0; top: 0; }
.marks { position: absolute; inset: 0; pointer-events: none; }
.mark { position: absolute; left: 0; top: 0; width: 15px; height: 16px; padding: 0; border: 0; border-radius: 3px; background: var(--plot-bg); pointer-events: auto; cursor: pointer; display: flex; align-items: center; justify-content: center; font-size: 12px; line-height: 1; }
.mark:hover, .mark.selected { outline: 2px solid var(--select); }
.mark-spawn { color: var(--spawn); }
.mark-done { color: var(--done); font-size: 9px; }
.mark-cancel, .mark-cancelled { color: var(--cancel); }
.mark-fail { color: #fff; background: var(--fail); font-weight: 700; }
.hover { position: absolute; left: 0; top: 0; z-index: 2; max-width: 420px; padding: 4px 8px; border: 1px solid var(--border); border-radius: 5px; background: var(--panel); box-shadow: 0 2px 8px rgba(0, 0, 0, 0.18); pointer-events: none; white-space: nowrap; }
.details { flex: none; max-height: 38vh; min-height: 96px; overflow: auto; border-top: 1px solid var(--border); background: var(--panel); padding: 8px 14px 12px; }
.details p { margin: 4px 0; overflow-wrap: anywhere; }
.details h2 { font-size: 14px; margin: 2px 0 6px; }
.details h3 { font-size: 12px; margin: 10px 0 4px; color: var(--muted); font-weight: 600; }
.details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
.details dt { color: var(--muted); }
.details dd { margin: 0; font-variant-numeric: tabular-nums; }
.details ol.handlers { margin: 0; padding-left: 22px; }
.handler-name { font-weight: 600; }
.verdict-0, .verdict-1 { color: var(--muted); }
.verdict-2, .verdict-3 { color: var(--done); }
.verdict-4, .verdict-5 { color: var(--fail); }
pre.traceback { margin: 0; padding: 8px 10px; background: var(--bg); border: 1px solid var(--border); border-left: 3px solid var(--fail); border-radius: 4px; font: 12px/1.45 ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-x: auto; }
`
