/**
 * The slice of the GPU lease (src/lease, LEASE.md) that the runner uses. The lease library's
 * `withGpuLease` fits it as is (see engines/gpu-lease.ts); tests pass an in-process fake.
 */
export interface HeldGpu {
  /** Fires when the backend wants the GPU (or the lease is lost, or the process is told to stop). */
  readonly signal: AbortSignal;
  /** Refreshes the heartbeat and checks for preemption; the runner calls it at each step. */
  heartbeat?(): Promise<unknown>;
}

export interface LeaseCallOptions {
  /** Shown in status.json: `<model>/<prompt id>/s<seed index>`. */
  label?: string;
  /** Aborts a pending acquire (SIGINT while waiting for the backend). */
  signal?: AbortSignal;
}

export interface BenchmarkLease {
  withGpuLease<T>(owner: 'benchmark', fn: (held: HeldGpu) => Promise<T>, options?: LeaseCallOptions): Promise<T>;
}

const never = new AbortController().signal;

/** CPU runs and the bare overhead measurement: nothing to share, so nothing to hold. */
export const noLease: BenchmarkLease = {
  withGpuLease: (_owner, fn) => fn({ signal: never }),
};
