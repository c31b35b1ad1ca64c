import type { Report } from '../build-report.js';
import { metricSpec } from '../metrics.js';
import { esc } from './format.js';

export function gridHtml(report: Report): string {
  const { grid, data } = report;
  if (grid.rows.length === 0) return '<p class="note">No images at this seed.</p>';
  const options = report.categories.map((c) => `<option value="${esc(c)}">${esc(c)}</option>`).join('');
  const rows = grid.rows.map((row) => {
    const cells = row.cells.map((cell) => {
      const img = cell.image;
      if (!img) return '<td class="note">not run</td>';
      const scores = Object.entries(img.scores).flatMap(([m, v]) => (v === undefined ? [] : [[m, v] as const])).map(([m, v]) => `${metricSpec(m).label} ${v.toFixed(metricSpec(m).digits)}`).join(', ');
      const title = `${img.prompt} | seed ${img.seed} (#${img.seedIndex}) | ${img.model}${scores ? ` | ${scores}` : ''}${img.status !== 'ok' ? ` | ${img.status}` : ''}${cell.missing && img.status === 'ok' ? ' | PNG missing' : ''}`;
      const settings = `${img.steps} steps · ${img.width}×${img.height} · guidance ${img.guidance} · ${img.scheduler}${img.negativePrompt ? ` · negative: ${img.negativePrompt}` : ''}${img.latencyMs !== null ? ` · ${img.latencyMs.toFixed(0)} ms` : ''}`;
      return `<td><img class="thumb${cell.missing ? ' missing' : ''}" src="${cell.thumbnail}" alt="${esc(img.model)} ${esc(img.promptId)}" title="${esc(title)}"${
        cell.fullHref ? ` data-full="${esc(cell.fullHref)}"` : ''} data-settings="${esc(settings)}" data-command="${esc(cell.command ?? '')}"></td>`;
    });
    return `<tr data-category="${esc(row.category)}"><th class="prompt">${esc(row.prompt)}<div class="cat">${esc(row.promptId)} · ${esc(row.category)}</div></th>${cells.join('')}</tr>`;
  });
  const omitted = grid.omittedPrompts > 0 ? ` ${grid.omittedPrompts} more prompts not shown (--grid-prompts).` : '';
  return `<p class="note">Seed index ${grid.seedIndex}; click an image for the full size, its settings and the command that makes it again.${omitted}</p>
<label>category <select id="category-filter"><option value="">all</option>${options}</select></label>
<div class="grid-wrap"><table class="grid" id="grid"><thead><tr><th>prompt</th>${data.models.map((m) => `<th>${esc(m)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>
<div class="modal" id="modal"><div class="modal-body"><div id="modal-title"></div><img id="modal-image" alt="full image"><div id="modal-settings" class="note"></div><code id="modal-command"></code></div></div>`;
}
