import type { Report } from '../build-report.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { esc, section } from './format.js';
import { gridHtml } from './grid-html.js';
import { leaderboardHtml } from './leaderboard-html.js';
import { leaseHtml } from './lease-html.js';
import { provenanceHtml } from './provenance-html.js';
import { STYLES } from './styles.js';
import { winRateHtml } from './win-rate-html.js';

export const DEMO_BANNER = 'DEMO RUN - these are DEMO models with random weights, not the benchmark models: the numbers measure nothing about the real models.';

/** One self-contained page: everything inline, full PNGs linked by relative path. */
export function runPage(report: Report): string {
  const { run } = report.data;
  const missing = report.missingPngs > 0 ? `<p class="warn" id="missing-pngs">${report.missingPngs} image file(s) are missing: shown as placeholders.</p>` : '';
  const plots = report.plots.map((p) => `<figure class="plot"><h3>${esc(p.title)}</h3>${p.svg}</figure>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ppbench report ${esc(run.id)}</title><style>${STYLES}</style></head><body>
${report.data.demo ? `<div class="demo-banner" id="demo-banner">${esc(DEMO_BANNER)}</div>` : ''}
<main><h1>ppbench run ${esc(run.id)}</h1>${missing}
${section('provenance', 'Provenance', provenanceHtml(report))}
${section('leaderboard-section', 'Leaderboard', leaderboardHtml(report))}
${report.winRate ? section('win-rate-section', `Win rate (${report.winRate.metric})`, winRateHtml(report.winRate)) : ''}
${section('plots', 'Plots', `<div class="plots">${plots || '<p class="note">Nothing to plot.</p>'}</div>`)}
${section('grid-section', 'Images', gridHtml(report))}
${section('lease', 'Lease impact', leaseHtml(report.impact))}
</main><script>${CLIENT_SCRIPT}</script></body></html>
`;
}
