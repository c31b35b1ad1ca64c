/**
 * The GPU lease of LEASE.md: how the benchmark runner and the production backend share one
 * GPU through status.json on a shared volume. Imported by both sides:
 *
 *   // runner: one image per lease, yielding between denoising steps
 *   await withGpuLease('benchmark', (lease) => pipeline.generate({ ...args, signal: lease.signal,
 *     onStep: () => lease.heartbeat() }), { label: 'sdxl/p042/s1' });
 *
 *   // backend: asks the runner to yield, waits at most maxWaitMs, never fails for it
 *   const image = await withGpuLease('backend', () => generate(request));
 *
 * Files: status-file (schemas), lease-doc (liveness rules), status-store (locked
 * read-modify-write), acquire / held-lease (the two sides), events, with-gpu-lease.
 */
export { acquireGpuLease } from './acquire.js';
export { resolveCoordPath, eventsPathFor } from './coord-path.js';
export { LeaseError, type LeaseErrorCode } from './errors.js';
export { leaseEventSchema, readLeaseEvents, type LeaseEvent, type LeaseEventType, type LeaseEventsRead } from './events.js';
export type { GpuLease, LeaseState } from './held-lease.js';
export { resolveLeaseOptions, type LeaseOptions, type LeaseTiming } from './options.js';
export { readStatus, type GpuStatus, type GpuStatusEntry, type ReadStatusOptions } from './read-status.js';
export {
  statusV0Schema,
  statusV1Schema,
  type Holder,
  type LeaseOwner,
  type StatusV1,
  type Want,
} from './status-file.js';
export { withGpuLease } from './with-gpu-lease.js';
