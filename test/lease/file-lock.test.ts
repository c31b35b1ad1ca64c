import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/lease/file-lock.js';
import { removeTempCoordDirs, tempCoordPath } from './helpers/coord.js';

afterAll(removeTempCoordDirs);

const opts = { staleMs: 200, timeoutMs: 1000 };

describe('the read-modify-write lock', () => {
  it('lets one task in at a time', async () => {
    const counter = `${tempCoordPath()}.counter`;
    const lock = `${counter}.lock`;
    writeFileSync(counter, '0');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withFileLock(lock, opts, async () => {
          const n = Number(readFileSync(counter, 'utf8'));
          await sleep(1);
          writeFileSync(counter, String(n + 1));
        }),
      ),
    );
    expect(readFileSync(counter, 'utf8')).toBe('20');
  });

  it('stores who holds it and since when', async () => {
    const lock = `${tempCoordPath()}.lock`;
    await withFileLock(lock, opts, async () => {
      expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ id: expect.any(String), pid: process.pid, ts: expect.any(Number) });
    });
  });

  it('breaks a lock older than its stale bound, and not before', async () => {
    const lock = `${tempCoordPath()}.lock`;
    writeFileSync(lock, JSON.stringify({ id: 'dead', pid: 1, ts: Date.now() }));
    const started = Date.now();
    await withFileLock(lock, opts, async () => undefined);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(opts.staleMs - 5);
    expect(waited).toBeLessThan(opts.staleMs + 300);
  });

  it('judges an empty lock file (holder killed before writing it) by its mtime', async () => {
    const lock = `${tempCoordPath()}.lock`;
    writeFileSync(lock, '');
    const old = (Date.now() - 10_000) / 1000;
    utimesSync(lock, old, old);
    const started = Date.now();
    await withFileLock(lock, opts, async () => undefined);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('gives up after timeoutMs with an error naming the lock file', async () => {
    const lock = `${tempCoordPath()}.lock`;
    const holding = withFileLock(lock, { staleMs: 5000, timeoutMs: 5000 }, () => sleep(600));
    await sleep(20);
    await expect(withFileLock(lock, { staleMs: 5000, timeoutMs: 200 }, async () => undefined)).rejects.toMatchObject({
      code: 'ERR_LEASE_LOCK_TIMEOUT',
      message: expect.stringContaining(lock),
    });
    await holding;
  });

  it('never removes a lock that is no longer its own', async () => {
    const lock = `${tempCoordPath()}.lock`;
    const other = JSON.stringify({ id: 'other', ts: Date.now() });
    await withFileLock(lock, opts, async () => writeFileSync(lock, other));
    expect(readFileSync(lock, 'utf8')).toBe(other);
  });
});
