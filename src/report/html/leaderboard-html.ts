import type { Report } from '../build-report.js';
import { metricSpec } from '../metrics.js';
import { esc, fixed, gib, numCell } from './format.js';

export function leaderboardHtml(report: Report): string {
  const metrics = report.metrics;
  const head = [
    'model', 'ok', 'failed',
    ...metrics.map((m) => `${metricSpec(m).label} ↑`),
    'latency p50 ms ↓', 'latency p95 ms ↓', 'UNet step p50 ms ↓', 'images/min ↑', 'load ↓', 'peak GPU mem ↓', 'settings',
  ];
  const rows = report.leaderboard.map((r) => {
    const metricCells = metrics.map((m) => {
      const iv = r.metrics[m];
      const d = metricSpec(m).digits;
      if (!iv) return numCell('–', null);
      const cls = `${r.best[m] ? ' best' : ''}${r.tied[m] ? ' tied' : ''}`;
      return numCell(`${fixed(iv.mean, d)} <span class="ci">[${fixed(iv.lo, d)}, ${fixed(iv.hi, d)}]</span>`, iv.mean, cls);
    });
    const settings = r.settings.map((s) => `${s.steps} steps · ${s.width}×${s.height} · cfg ${s.guidance} · ${s.scheduler}`).join('; ');
    return `<tr data-model="${esc(r.model)}"><td>${esc(r.model)}</td>${numCell(String(r.ok), r.ok)}${numCell(String(r.failed), r.failed)}${metricCells.join('')}${numCell(
      fixed(r.latencyP50Ms, 0), r.latencyP50Ms)}${numCell(fixed(r.latencyP95Ms, 0), r.latencyP95Ms)}${numCell(fixed(r.stepP50Ms, 1), r.stepP50Ms)}${numCell(
      fixed(r.imagesPerMinute, 1), r.imagesPerMinute)}${numCell(r.loadMs === null ? '–' : `${(r.loadMs / 1000).toFixed(1)} s`, r.loadMs)}${numCell(
      gib(r.peakMemoryBytes), r.peakMemoryBytes)}<td>${esc(settings)}</td></tr>`;
  });
  return `<table class="sortable" id="leaderboard"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Scores: mean with a 95% bootstrap interval (${report.bootstrap.resamples} resamples of prompts, a prompt's seeds kept together, seed ${report.bootstrap.seed}).
Bold: the best mean; ≈: the interval overlaps the best one's (tied). ↑ higher is better, ↓ lower is better. Click a header to sort.
Peak GPU memory is the CUDA allocator's peak per image (not measured on CPU).</p>`;
}
