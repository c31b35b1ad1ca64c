import type { Report } from '../build-report.js';
import { duration, esc } from './format.js';

function deviceName(deviceJson: string | null, device: string | null | undefined): string {
  if (deviceJson === null) return device ?? '–';
  try {
    const d = JSON.parse(deviceJson) as Record<string, unknown>;
    const name = d.name ?? d.gpuName ?? d.deviceName ?? d.type;
    return [device, typeof name === 'string' ? name : null].filter(Boolean).join(' · ') || deviceJson;
  } catch {
    return deviceJson;
  }
}

export function provenanceHtml(report: Report): string {
  const { run, config } = report.data;
  const wall = run.endedAt === null ? null : Date.parse(run.endedAt) - Date.parse(run.startedAt);
  const c = report.counts;
  const items: Array<[string, string]> = [
    ['run', run.id],
    ['status', run.status],
    ['database', report.data.databaseFile],
    ['git revision', run.gitRevision ?? '–'],
    ['host', run.host ?? '–'],
    ['device', deviceName(run.deviceJson, run.device)],
    ['libtorch', run.libtorchVersion ?? '–'],
    ['dtype', run.dtype ?? (typeof config.dtype === 'string' ? config.dtype : '–')],
    ['started', run.startedAt],
    ['ended', run.endedAt ?? '–'],
    ['duration', duration(wall !== null && Number.isFinite(wall) ? wall : null)],
    ['images', `${c.ok} ok · ${c.failed} failed · ${c.preempted} preempted · ${c.interrupted} interrupted`],
  ];
  const failures =
    report.failures.length === 0
      ? ''
      : `<h3>Failed images</h3><table class="sortable" id="failures"><thead><tr><th>model</th><th>prompt</th><th>seed</th><th>code</th><th>message</th></tr></thead><tbody>${report.failures
          .map((f) => `<tr><td>${esc(f.model)}</td><td>${esc(f.promptId)}</td><td>${f.seedIndex}</td><td>${esc(f.errorCode ?? '')}</td><td>${esc(f.errorMessage ?? '')}</td></tr>`)
          .join('')}</tbody></table>`;
  const noOk = c.ok === 0 ? '<p class="warn" id="no-ok">This run has no ok image: there is nothing to score or show.</p>' : '';
  return `${noOk}<dl class="kv">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<details><summary>config</summary><pre>${esc(JSON.stringify(config, null, 2))}</pre></details>${failures}`;
}
