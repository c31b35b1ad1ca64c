import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseError } from './errors.js';
import { thisHost } from './this-host.js';

export interface FileLockOptions {
  /** A lock older than this is judged abandoned by a dead process and broken (≤ the lease staleMs). */
  staleMs: number;
  /** Give up (with an error naming the lock file) after waiting this long. */
  timeoutMs: number;
}

/*
 * Why not flock(2) or proper-lockfile: Node has no flock, and proper-lockfile clamps its
 * stale bound to ≥ 2 s, longer than the lease's staleMs. An O_EXCL lock file holding the
 * holder's id and creation time works across containers sharing a volume (no PIDs needed);
 * it is held only for one read-modify-write, so a short stale bound is safe. The file calls
 * are synchronous page-cache operations of microseconds, which keeps the lock short.
 */
export async function withFileLock<T>(lockPath: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const token = await acquire(lockPath, options);
  try {
    return await fn();
  } finally {
    releaseIfOurs(lockPath, token);
  }
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const token = tryCreate(lockPath);
    if (token !== null) return token;
    const current = inspect(lockPath);
    if (current && current.ageMs > options.staleMs) {
      breakStale(lockPath, current.ino);
      continue;
    }
    if (Date.now() > deadline) {
      throw new LeaseError(
        'ERR_LEASE_LOCK_TIMEOUT',
        `lock file ${lockPath} still held after ${options.timeoutMs} ms (holder: ${current?.content || 'unknown'})`,
      );
    }
    // Jitter keeps contending processes from retrying in lockstep.
    await sleep(1 + Math.random() * 2);
  }
}

/** Returns our token, or null when someone else holds the lock. */
function tryCreate(lockPath: string): string | null {
  const token = JSON.stringify({ id: randomUUID(), pid: process.pid, host: thisHost, ts: Date.now() });
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw new LeaseError('ERR_LEASE_IO', `cannot create lock file ${lockPath}: ${(err as Error).message}`, { cause: err });
  }
  try {
    writeFileSync(fd, token);
  } finally {
    closeSync(fd);
  }
  return token;
}

interface LockInfo {
  ino: number;
  ageMs: number;
  content: string;
}

function inspect(lockPath: string): LockInfo | null {
  try {
    const info = statSync(lockPath);
    const content = readFileSync(lockPath, 'utf8');
    // A holder killed between create and write leaves an empty file: fall back to its mtime.
    const ts = parseTimestamp(content) ?? info.mtimeMs;
    return { ino: info.ino, ageMs: Date.now() - ts, content };
  } catch {
    return null; // released meanwhile
  }
}

function parseTimestamp(content: string): number | undefined {
  try {
    const ts = (JSON.parse(content) as { ts?: unknown }).ts;
    return typeof ts === 'number' ? ts : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Moves the lock aside and checks that what was moved is the stale lock we judged (same
 * inode): two processes breaking the same lock must not both end up holding a fresh one.
 * If we moved a fresh lock by mistake, it is linked back (unless a third process already
 * created a new one, which only a crash plus a three-way race can cause).
 */
function breakStale(lockPath: string, staleIno: number): void {
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else broke or released it
  }
  try {
    if (statSync(aside).ino !== staleIno) linkSync(aside, lockPath);
  } catch {
    // a new lock already exists; nothing to put back
  }
  try {
    unlinkSync(aside);
  } catch {
    // already removed
  }
}

function releaseIfOurs(lockPath: string, token: string): void {
  try {
    // Our lock may have been broken as stale after a long pause: never delete someone else's.
    if (readFileSync(lockPath, 'utf8') === token) unlinkSync(lockPath);
  } catch {
    // already gone
  }
}
