import { readLeaseEvents, resolveCoordPath, withGpuLease, type LeaseOptions } from '../../lease/index.js';
import type { RunConfig } from '../../config/run-config.js';
import type { LeaseEventRecord } from '../../store/rows.js';
import type { BenchmarkLease } from '../benchmark-lease.js';

export interface GpuLeaseAdapter extends BenchmarkLease {
  /** The lease events both sides appended to events.jsonl beside status.json. */
  readEvents(): Promise<LeaseEventRecord[]>;
}

/**
 * The real lease of src/lease behind the runner's BenchmarkLease. The lease library handles
 * SIGINT/SIGTERM while holding: it aborts `signal`, waits for our unit to settle, releases, and
 * leaves exiting to the runner (which has its own handlers).
 */
export function createGpuLease(settings: Omit<RunConfig['lease'], 'enabled'>): GpuLeaseAdapter {
  const { path, ...timing } = settings;
  const base: LeaseOptions = { ...timing, path: path ?? resolveCoordPath() };
  return {
    withGpuLease: (owner, fn, options = {}) => withGpuLease(owner, fn, { ...base, ...options }),
    readEvents: async () => (await readLeaseEvents(base.path)).events,
  };
}
