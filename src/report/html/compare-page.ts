import type { Comparison } from '../compare.js';
import { metricSpec } from '../metrics.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { esc, fixed, numCell, section } from './format.js';
import { STYLES } from './styles.js';

/** Thumbnails of the pairs that drifted most, as data URIs keyed by `fileA|fileB`. */
export type DriftThumbnails = Map<string, { a: string; b: string }>;

function deltasHtml(c: Comparison): string {
  const rows = c.metrics.map((m) => {
    const d = metricSpec(m.metric).digits;
    return `<tr class="verdict-${m.verdict.replace(/ /g, '-')}"><td>${esc(m.model)}</td><td>${esc(metricSpec(m.metric).label)} ${m.higherIsBetter ? '↑' : '↓'}</td>${numCell(fixed(m.meanA, d), m.meanA)}${numCell(
      fixed(m.meanB, d), m.meanB)}${numCell(`${fixed(m.difference.mean, d)} <span class="ci">[${fixed(m.difference.lo, d)}, ${fixed(m.difference.hi, d)}]</span>`, m.difference.mean)}${numCell(
      fixed(m.minimumEffect, d), m.minimumEffect)}<td>${m.paired ? `paired (${m.n})` : `unpaired (${m.n})`}</td><td><b>${esc(m.verdict)}</b></td></tr>`;
  });
  return `<table class="sortable" id="deltas"><thead><tr><th>model</th><th>metric</th><th>A</th><th>B</th><th>B − A [95%]</th><th>min effect</th><th>pairs</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function driftHtml(c: Comparison, thumbs: DriftThumbnails): string {
  const rows = c.drift.map((d) => `<tr><td>${esc(d.model)}</td>${numCell(String(d.compared), d.compared)}${numCell(String(d.changedPairs), d.changedPairs)}${numCell(
    fixed(d.meanAbs, 3), d.meanAbs)}${numCell(fixed(d.maxAbs, 0), d.maxAbs)}${numCell(d.changedShare === null ? '–' : `${(d.changedShare * 100).toFixed(2)}%`, d.changedShare)}${numCell(String(d.unreadable), d.unreadable)}</tr>`);
  const pairs = c.largestDrift.map((p) => {
    const t = thumbs.get(`${p.fileA}|${p.fileB}`);
    return `<tr><td>${esc(p.model)} · ${esc(p.promptId)} · seed #${p.seedIndex}<div class="note">mean |Δ| ${p.meanAbs.toFixed(2)}, max ${p.maxAbs}, ${(p.changedShare * 100).toFixed(1)}% changed</div></td>
<td>${t ? `<img class="thumb" src="${t.a}" title="A">` : ''}</td><td>${t ? `<img class="thumb" src="${t.b}" title="B">` : ''}</td></tr>`;
  });
  return `<table class="sortable" id="drift"><thead><tr><th>model</th><th>pairs</th><th>changed pairs</th><th>mean |Δ|</th><th>max |Δ|</th><th>changed pixels</th><th>unreadable</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Pairs with identical settings and seed; 8-bit RGB differences.</p>
${pairs.length > 0 ? `<h3>Largest drift (A | B)</h3><table class="grid" id="drift-pairs"><tbody>${pairs.join('')}</tbody></table>` : ''}`;
}

export function comparePage(c: Comparison, thumbs: DriftThumbnails): string {
  const only = [
    c.onlyInA.length > 0 ? `only in A (not compared): ${c.onlyInA.join(', ')}` : '',
    c.onlyInB.length > 0 ? `only in B (not compared): ${c.onlyInB.join(', ')}` : '',
  ].filter(Boolean).map((s) => `<p class="note">${esc(s)}</p>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ppbench compare ${esc(c.runA.id)} → ${esc(c.runB.id)}</title><style>${STYLES}</style></head><body><main>
<h1>ppbench compare</h1><p>A: ${esc(c.runA.id)} (${esc(c.runA.databaseFile)})<br>B: ${esc(c.runB.id)} (${esc(c.runB.databaseFile)})</p>
<p><b>${c.regressions === 0 ? 'no regression' : `${c.regressions} regression(s)`}</b></p>${only}
${section('deltas-section', 'Deltas', deltasHtml(c))}
${section('drift-section', 'Image drift', driftHtml(c, thumbs))}
</main><script>${CLIENT_SCRIPT}</script></body></html>
`;
}
