import type { WinRate } from '../win-rate.js';
import { esc, fixed, numCell } from './format.js';

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

export function winRateHtml(w: WinRate): string {
  const rows = w.perModel
    .map((p) => `<tr><td>${esc(p.model)}</td>${numCell(fixed(p.wins, 1), p.wins)}${numCell(
      p.rate ? `${pct(p.rate.mean)} <span class="ci">[${pct(p.rate.lo)}, ${pct(p.rate.hi)}]</span>` : '–', p.rate?.mean)}</tr>`)
    .join('');
  const matrix = w.models
    .map((a, i) => `<tr><th>${esc(a)}</th>${w.matrix[i]!.map((v) => numCell(v === null ? '–' : pct(v), v)).join('')}</tr>`)
    .join('');
  return `<p class="note">For each (prompt, seed) all ${w.models.length} models share (${w.sharedUnits}), the model whose image ${esc(w.metric)} scores highest wins (ties split).
Interval: 95% bootstrap over prompts.</p>
<table class="sortable" id="win-rate"><thead><tr><th>model</th><th>wins</th><th>win rate</th></tr></thead><tbody>${rows}</tbody></table>
<h3>Pairwise: row beats column</h3>
<table class="matrix" id="win-matrix"><thead><tr><th></th>${w.models.map((m) => `<th>${esc(m)}</th>`).join('')}</tr></thead><tbody>${matrix}</tbody></table>`;
}
