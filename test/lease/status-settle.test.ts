import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireGpuLease, type GpuLease, type StatusV1 } from '../../src/lease/index.js';
import { isUnsettled } from '../../src/lease/status-file.js';
import { readJson, removeTempCoordDirs, tempCoordPath, warningSink } from './helpers/coord.js';

afterAll(removeTempCoordDirs);

/*
 * Issue #19, finding 3: a writer that rewrites status.json in place (truncate, then write)
 * leaves it empty for a moment. Empty or unreadable counts as free only once it has stayed so
 * for settleMs, for both owners.
 */
const settleMs = 100;
/** A stale bound far above event-loop stalls on a loaded machine: only the settle rule is under test. */
const timing = { pollMs: 10, heartbeatMs: 50, staleMs: 3000, maxWaitMs: 4000, maxHoldMs: 60_000 };
const options = (path: string) => ({ ...timing, settleMs, path, handleSignals: false, warn: warningSink().warn });

/** Truncates the file in place (same inode), then writes its content back after `gapMs`. */
async function rewriteInPlace(path: string, gapMs: number): Promise<void> {
  const content = readFileSync(path, 'utf8');
  writeFileSync(path, '');
  await sleep(gapMs);
  writeFileSync(path, content);
}

/** Resolves with the lease and the time it was acquired. */
const timed = (pending: Promise<GpuLease>) => pending.then((lease) => ({ lease, at: performance.now() }));

describe('status.json settle time', () => {
  it('a benchmark that finds a backend holder\'s file mid-rewrite (empty) does not take the GPU', async () => {
    const path = tempCoordPath();
    const backend = await acquireGpuLease('backend', options(path));
    const rewrite = rewriteInPlace(path, 10);
    const benchmark = timed(acquireGpuLease('benchmark', options(path)));
    await rewrite;
    await sleep(3 * settleMs);
    const releasedAt = performance.now();
    await backend.release();
    const { lease, at } = await benchmark;
    await lease.release();
    expect(at, 'the benchmark took the GPU while the backend held it').toBeGreaterThanOrEqual(releasedAt);
  });

  it('a backend that finds a benchmark holder\'s file mid-rewrite (empty) waits for it to yield: no hidden overlap', async () => {
    const path = tempCoordPath();
    const benchmark = await acquireGpuLease('benchmark', options(path));
    benchmark.signal.addEventListener('abort', () => void sleep(20).then(() => benchmark.release()));
    const rewrite = rewriteInPlace(path, 10);
    const backend = await acquireGpuLease('backend', options(path));
    await rewrite;
    await backend.release();
    expect(benchmark.state).toBe('released');
    expect(benchmark.signal.reason).toMatchObject({ code: 'ERR_LEASE_PREEMPTED' });
    expect(backend.overlap).toBe(false);
    expect(backend.waitedMs).toBeGreaterThanOrEqual(15);
  });

  it('a holder does not take a mid-rewrite file for the loss of its lease', async () => {
    const path = tempCoordPath();
    const benchmark = await acquireGpuLease('benchmark', options(path));
    await rewriteInPlace(path, 10);
    expect(await benchmark.heartbeat()).toBe('held');
    await benchmark.release();
  });

  it('an empty file is free once it has stayed empty for settleMs, not before', async () => {
    const path = tempCoordPath();
    writeFileSync(path, '');
    const emptiedAt = Date.now();
    const lease = await acquireGpuLease('benchmark', options(path));
    const tookAfter = Date.now() - emptiedAt;
    await lease.release();
    // File times come from the kernel's coarse clock: allow its few ms of rounding.
    expect(tookAfter).toBeGreaterThanOrEqual(settleMs - 10);
  });

  it('a file corrupted while a lease is held is repaired by the release, as the warning says', async () => {
    const path = tempCoordPath();
    const sink = warningSink();
    const lease = await acquireGpuLease('benchmark', { ...options(path), warn: sink.warn });
    writeFileSync(path, '{"version": 1, "owner": "bench');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(path, longAgo, longAgo);
    await lease.release();
    expect(sink.messages.join('\n')).toContain('the next write repairs it');
    expect(readJson(path) as StatusV1).toMatchObject({ version: 1, owner: null, holders: [], want: [] });
  });

  it('judges settling from the modification time; readable files and skewed clocks never wait', () => {
    const now = 1_000_000;
    expect(isUnsettled({ kind: 'empty', mtimeMs: now - 10 }, now, settleMs)).toBe(true);
    expect(isUnsettled({ kind: 'corrupt', problem: 'x', mtimeMs: now - 10 }, now, settleMs)).toBe(true);
    expect(isUnsettled({ kind: 'empty', mtimeMs: now - settleMs }, now, settleMs)).toBe(false);
    expect(isUnsettled({ kind: 'empty', mtimeMs: now + 60_000 }, now, settleMs)).toBe(false);
    expect(isUnsettled({ kind: 'missing' }, now, settleMs)).toBe(false);
    expect(isUnsettled({ kind: 'v0', owner: null, since: null, mtimeMs: now }, now, settleMs)).toBe(false);
  });

  it('rejects a settleMs the locked write could not wait out (≥ lockStaleMs)', async () => {
    await expect(acquireGpuLease('benchmark', { ...options(tempCoordPath()), settleMs: 2000 })).rejects.toMatchObject({
      code: 'ERR_LEASE_OPTIONS',
      message: expect.stringContaining('settleMs must be less than lockStaleMs (1500), got 2000'),
    });
  });
});
