/** The page's only stylesheet (inline: the page must open from file:// without anything else). */
export const STYLES = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f7f8fa}
main{max-width:1400px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #dde1e8;padding-bottom:4px}
.demo-banner{background:#b3261e;color:#fff;font-weight:700;padding:10px 24px;letter-spacing:.02em}
.note{color:#5a6270;font-size:13px}.warn{color:#9a5b00}
table{border-collapse:collapse;background:#fff;font-size:13px}th,td{border:1px solid #e1e4ea;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.sortable th{cursor:pointer}table.sortable th[aria-sort=ascending]::after{content:" ▲"}table.sortable th[aria-sort=descending]::after{content:" ▼"}
.ci{color:#6b7280;font-size:11px}.best{font-weight:700}.tied::after{content:" ≈";color:#6b7280}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}.kv dt{color:#5a6270}.kv dd{margin:0}
details pre{background:#fff;border:1px solid #e1e4ea;padding:8px;max-height:360px;overflow:auto}
.plots{display:flex;flex-wrap:wrap;gap:16px}.plot{background:#fff;border:1px solid #e1e4ea;padding:8px;margin:0}.plot h3{font-size:13px;margin:0 0 4px}
.grid-wrap{overflow:auto}.grid td{padding:2px}.grid img{width:128px;height:128px;object-fit:contain;cursor:zoom-in;display:block;background:#eee}
.grid th.prompt{max-width:220px;white-space:normal;font-weight:400}.grid .cat{color:#6b7280;font-size:11px}
.modal{position:fixed;inset:0;background:rgba(0,0,0,.7);display:none;align-items:center;justify-content:center;z-index:10}
.modal.open{display:flex}.modal-body{background:#fff;padding:16px;max-width:92vw;max-height:92vh;overflow:auto;border-radius:6px}
.modal-body img{max-width:80vw;max-height:60vh;image-rendering:pixelated;min-width:256px}
.modal-body code{display:block;background:#f0f2f5;padding:6px;margin-top:8px;word-break:break-all}
.matrix td.num{min-width:56px}
`;
