import type { LeaseImpact } from '../lease-impact.js';
import { duration, esc } from './format.js';

export function leaseHtml(impact: LeaseImpact): string {
  const w = impact.backendWaits;
  const share = impact.wallMs ? ` (${((impact.heldMs / impact.wallMs) * 100).toFixed(1)}% of wall time)` : '';
  const items: Array<[string, string]> = [
    ['images preempted and redone', String(impact.redone)],
    ['images still preempted', String(impact.stillPreempted)],
    ['preemptions (lease events)', String(impact.preemptionEvents)],
    ['backend waits while the benchmark ran', w.count === 0 ? 'none' : `${w.count}: p50 ${duration(w.p50Ms)}, p95 ${duration(w.p95Ms)}, max ${duration(w.maxMs)}`],
    ['benchmark held the GPU', `${duration(impact.heldMs)}${share}`],
    ['wall time', duration(impact.wallMs)],
  ];
  return `<dl class="kv" id="lease-impact">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}
