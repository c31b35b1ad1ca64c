import { acquireGpuLease } from './acquire.js';
import type { GpuLease } from './held-lease.js';
import type { LeaseOptions } from './options.js';
import { releaseOnSignals } from './process-signals.js';
import type { LeaseOwner } from './status-file.js';

/**
 * Holds the GPU for the duration of `fn`: acquire (see acquireGpuLease), heartbeat in the
 * background, and release however `fn` ends — return, throw, preemption, SIGINT or SIGTERM.
 * The benchmark's `fn` must watch `lease.signal` between units of GPU work and stop when it
 * fires; what happens to the interrupted unit (marked preempted, retried) is the caller's.
 */
export async function withGpuLease<T>(
  owner: LeaseOwner,
  fn: (lease: GpuLease) => Promise<T>,
  options: LeaseOptions = {},
): Promise<T> {
  const lease = await acquireGpuLease(owner, options);
  let settle = (): void => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const unregister = options.handleSignals === false ? () => undefined : releaseOnSignals(lease, settled);
  try {
    return await fn(lease);
  } finally {
    await lease.release();
    unregister();
    settle();
  }
}
