import { readLeaseEvents, resolveCoordPath, withGpuLease, type LeaseOptions } from '../../lease/index.js';
import type { RunConfig } from '../../config/run-config.js';
import type { LeaseEventRecord } from '../../store/rows.js';
import type { BenchmarkLease, HeldGpu } from '../benchmark-lease.js';

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
    withGpuLease: (owner, fn, options = {}) => withGpuLease(owner, (lease) => fn(coalescedHeartbeats(lease)), { ...base, ...options }),
    readEvents: async () => (await readLeaseEvents(base.path)).events,
  };
}

/**
 * The runner heartbeats at every denoising step, but each lease heartbeat is a serialized read
 * (and, when due, a locked write) of status.json. With steps faster than that I/O (small models,
 * a busy disk) the calls would queue up without bound, and the release — serialized behind them —
 * would come late. So a call while one is in flight joins it instead of queueing another; the
 * lease's own timer keeps the heartbeat fresh and its folder watch sees preemption anyway.
 */
function coalescedHeartbeats(lease: HeldGpu): HeldGpu {
  let inFlight: Promise<unknown> | null = null;
  return {
    get signal() {
      return lease.signal;
    },
    heartbeat: () => {
      if (!lease.heartbeat) return Promise.resolve(undefined);
      inFlight ??= lease.heartbeat().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
