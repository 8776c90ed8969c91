/**
 * The UI's only asset: its stylesheet, served by the module itself (no CDN, works offline).
 * Charts and the routing diagram are SVG drawn on the server, so the pages load no JavaScript.
 */
export const STYLESHEET = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:0 16px;display:flex;gap:4px;align-items:center;flex-wrap:wrap}
header b{margin-right:16px}header a{color:#cfd6e4;text-decoration:none;padding:12px 10px;display:inline-block}
header a.on,header a:hover{color:#fff;background:#313a4d}main{padding:16px;max-width:1400px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:20px 0 8px}
table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:12px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e6eb;vertical-align:top}
th{background:#eef0f4;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:12px}
.card{background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:10px 14px;min-width:150px}
.card .v{font-size:22px;font-weight:600}.card .l{color:#5b6478;font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}
.chart{background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:8px}
.chart svg{width:100%;height:90px}.chart .l{font-size:12px;color:#5b6478}
.state-running{color:#17803d}.state-paused{color:#a86400;font-weight:600}
.state-backing_off,.bad{color:#b42318;font-weight:600}.stale{opacity:.55}
.tag{display:inline-block;padding:0 6px;border-radius:8px;background:#eef0f4;font-size:12px}
.tag.warn{background:#fff1d6;color:#a86400}.tag.err{background:#fde4e1;color:#b42318}
pre{background:#fff;border:1px solid #e3e6eb;padding:8px;overflow:auto;max-height:480px;white-space:pre-wrap;word-break:break-all}
form.inline{display:inline;margin:0}button{cursor:pointer;padding:2px 8px}
input{padding:2px 6px}.muted{color:#5b6478}.flash{background:#e3f4e8;border:1px solid #9fd6ae;padding:8px;margin-bottom:12px}
.flow{font-family:ui-monospace,monospace;background:#fff;border:1px solid #e3e6eb;padding:8px}
.flow-wrap{overflow:auto;background:#fff;border:1px solid #e3e6eb;margin-bottom:12px}.flow-diagram{display:block;max-width:100%;height:auto}
.flow-diagram text{font:12px system-ui,sans-serif;text-anchor:middle;fill:#1d2330}
.flow-node rect{fill:#eef3ff;stroke:#3867d6}.flow-produced rect{fill:#f5f6f8;stroke:#8a93a6}
.flow-dead-letter rect{fill:#fde4e1;stroke:#b42318}.flow-node:hover rect{stroke-width:2}
.flow-edge path{fill:none;stroke:#5b6478;stroke-width:1.2}.flow-edge-dlq path{stroke:#b42318;stroke-dasharray:4 3}
.flow-edge rect{fill:#fff}.flow-edge text{font-size:10px;fill:#5b6478}.flow-arrow{fill:#5b6478}
`;
