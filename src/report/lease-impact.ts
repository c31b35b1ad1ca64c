import type { ImageResult, LeaseEventRecord, RunRow } from '../store/rows.js';
import { quantile } from './stats.js';

export interface LeaseImpact {
  /** Images whose final row needed more than one attempt (a preemption or failure redone). */
  redone: number;
  /** Images still marked preempted (not redone yet). */
  stillPreempted: number;
  preemptionEvents: number;
  /** How long the backend waited for the GPU while this run held it, per wait. */
  backendWaits: { count: number; p50Ms: number | null; p95Ms: number | null; maxMs: number | null };
  /** Sum of the benchmark's holds (released events) and the run's wall time. */
  heldMs: number;
  wallMs: number | null;
}

export interface TimelineEntry {
  /** ms since the run started */
  startMs: number;
  endMs: number;
  kind: 'benchmark hold' | 'backend hold' | 'preempted' | 'backend wait' | 'other';
  label: string;
}

const isBackend = (e: LeaseEventRecord): boolean => e.owner === 'backend';

/** Waits the backend reported: its `acquired` events' waits, else its `waited` events'. */
function backendWaitTimes(events: readonly LeaseEventRecord[]): number[] {
  const acquired = events.filter((e) => isBackend(e) && e.type === 'acquired' && e.waitedMs !== undefined && e.waitedMs > 0);
  const source = acquired.length > 0 ? acquired : events.filter((e) => isBackend(e) && e.type === 'waited' && e.waitedMs !== undefined);
  return source.map((e) => e.waitedMs!);
}

export function leaseImpact(run: RunRow, images: readonly ImageResult[], events: readonly LeaseEventRecord[]): LeaseImpact {
  const waits = backendWaitTimes(events);
  const wallMs = run.endedAt === null ? null : Date.parse(run.endedAt) - Date.parse(run.startedAt);
  return {
    redone: images.filter((i) => i.status === 'ok' && i.attempts > 1).length,
    stillPreempted: images.filter((i) => i.status === 'preempted').length,
    preemptionEvents: events.filter((e) => e.type === 'preempted').length,
    backendWaits: {
      count: waits.length,
      p50Ms: quantile(waits, 0.5),
      p95Ms: quantile(waits, 0.95),
      maxMs: waits.length === 0 ? null : Math.max(...waits),
    },
    heldMs: events.filter((e) => !isBackend(e) && e.type === 'released' && e.heldMs !== undefined).reduce((a, e) => a + e.heldMs!, 0),
    wallMs: wallMs !== null && Number.isFinite(wallMs) ? wallMs : null,
  };
}

/** Holds as spans (from each release's held time), waits and preemptions as spans or instants. */
export function leaseTimeline(run: RunRow, events: readonly LeaseEventRecord[]): TimelineEntry[] {
  const t0 = Date.parse(run.startedAt);
  return events.flatMap((e): TimelineEntry[] => {
    const at = Date.parse(e.ts) - t0;
    if (!Number.isFinite(at)) return [];
    if (e.type === 'released' && e.heldMs !== undefined) {
      return [{ startMs: at - e.heldMs, endMs: at, kind: isBackend(e) ? 'backend hold' : 'benchmark hold', label: e.label ?? e.owner }];
    }
    if (e.type === 'preempted') return [{ startMs: at, endMs: at, kind: 'preempted', label: e.label ?? e.owner }];
    if (isBackend(e) && (e.type === 'waited' || e.type === 'acquired') && e.waitedMs !== undefined && e.waitedMs > 0) {
      return [{ startMs: at - e.waitedMs, endMs: at, kind: 'backend wait', label: e.label ?? e.owner }];
    }
    if (e.type === 'acquired' || e.type === 'released' || e.type === 'waited') return [];
    return [{ startMs: at, endMs: at, kind: 'other', label: `${e.type} (${e.owner})` }];
  });
}
