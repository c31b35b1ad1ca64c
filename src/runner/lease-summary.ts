import type { LeaseEventRecord } from '../store/rows.js';
import { percentile } from './summary.js';

export interface LeaseSummary {
  /** Leases the benchmark took (images and scoring batches). */
  holds: number;
  /** Times the backend took the GPU back in the middle of one. */
  preemptions: number;
  /** How long the benchmark waited for the backend before each hold. */
  waitP50Ms: number | null;
  waitP95Ms: number | null;
  waitMaxMs: number | null;
}

/** The benchmark's side of the lease from the run's imported events; null when no lease was used. */
export function summarizeLease(events: readonly LeaseEventRecord[]): LeaseSummary | null {
  const ours = events.filter((e) => e.owner === 'benchmark');
  if (ours.length === 0) return null;
  const acquired = ours.filter((e) => e.type === 'acquired');
  const waits = acquired.map((e) => e.waitedMs ?? 0).sort((a, b) => a - b);
  return {
    holds: acquired.length,
    preemptions: ours.filter((e) => e.type === 'preempted').length,
    waitP50Ms: percentile(waits, 50),
    waitP95Ms: percentile(waits, 95),
    waitMaxMs: waits.length === 0 ? null : waits.at(-1)!,
  };
}

export function formatLeaseLine(lease: LeaseSummary | null): string {
  if (lease === null) return 'lease: none taken (CPU run or lease disabled)';
  const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);
  return `lease: ${lease.holds} holds, ${lease.preemptions} preemptions by the backend; waits for the backend p50 ${ms(lease.waitP50Ms)}, p95 ${ms(lease.waitP95Ms)}, max ${ms(lease.waitMaxMs)}`;
}
