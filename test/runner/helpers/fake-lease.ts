import type { BenchmarkLease, HeldGpu, LeaseCallOptions } from '../../../src/runner/benchmark-lease.js';

export interface FakeLeaseLog {
  acquired: string[];
  released: number;
  /** Most holders at once: a benchmark must never hold twice. */
  maxConcurrent: number;
}

/**
 * An in-process stand-in for src/lease: records each hold, and plays a backend that wants the
 * GPU by aborting the holder's signal at its `preemptAtStep`-th heartbeat when `preempt(label,
 * attempt)` says so (attempt counts holds of that label, from 1).
 */
export function fakeLease(options: { preempt?: (label: string, attempt: number) => boolean; preemptAtStep?: number } = {}): BenchmarkLease & { log: FakeLeaseLog } {
  const log: FakeLeaseLog = { acquired: [], released: 0, maxConcurrent: 0 };
  const attempts = new Map<string, number>();
  let holding = 0;
  return {
    log,
    async withGpuLease<T>(_owner: 'benchmark', fn: (held: HeldGpu) => Promise<T>, call: LeaseCallOptions = {}): Promise<T> {
      if (call.signal?.aborted) throw new Error('acquire aborted');
      const label = call.label ?? '';
      const attempt = (attempts.get(label) ?? 0) + 1;
      attempts.set(label, attempt);
      log.acquired.push(label);
      holding++;
      log.maxConcurrent = Math.max(log.maxConcurrent, holding);
      const controller = new AbortController();
      let beats = 0;
      const held: HeldGpu = {
        signal: controller.signal,
        heartbeat: async () => {
          beats++;
          if (beats >= (options.preemptAtStep ?? 1) && options.preempt?.(label, attempt)) controller.abort(new Error('backend wants the GPU'));
        },
      };
      try {
        return await fn(held);
      } finally {
        holding--;
        log.released++;
      }
    },
  };
}
