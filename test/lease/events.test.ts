import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventLog } from '../../src/lease/events.js';
import { readLeaseEvents } from '../../src/lease/index.js';
import { removeTempCoordDirs, tempCoordPath, warningSink } from './helpers/coord.js';

afterAll(removeTempCoordDirs);

const lock = { staleMs: 500, timeoutMs: 2000 };

describe('events.jsonl', () => {
  it('appends one JSON line per event beside status.json and reads them back', async () => {
    const statusPath = tempCoordPath();
    const log = new EventLog(statusPath, 1 << 20, lock, () => undefined);
    expect(log.path).toBe(path.join(path.dirname(statusPath), 'events.jsonl'));
    await log.append({ type: 'acquired', owner: 'benchmark', leaseId: 'l1', waitedMs: 12.5, label: 'sdxl/p042/s1' });
    await log.append({ type: 'overlap', owner: 'backend', leaseId: 'l2', waitedMs: 2000, detail: { with: ['benchmark:l1'] } });
    const { events, skipped } = await readLeaseEvents(statusPath);
    expect(skipped).toBe(0);
    expect(events).toEqual([
      expect.objectContaining({ v: 1, type: 'acquired', owner: 'benchmark', leaseId: 'l1', pid: process.pid, waitedMs: 12.5 }),
      expect.objectContaining({ type: 'overlap', detail: { with: ['benchmark:l1'] } }),
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('rotates to events.jsonl.1 at the size cap and reads the rotated generation first', async () => {
    const statusPath = tempCoordPath();
    const maxBytes = 4096;
    const log = new EventLog(statusPath, maxBytes, lock, () => undefined);
    for (let i = 0; i < 60; i++) await log.append({ type: 'acquired', owner: 'backend', leaseId: `l${i}` });
    expect(statSync(log.path).size).toBeLessThanOrEqual(maxBytes);
    expect(existsSync(`${log.path}.1`)).toBe(true);
    const ids = (await readLeaseEvents(statusPath)).events.map((e) => Number(e.leaseId.slice(1)));
    expect(ids.at(-1)).toBe(59);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('skips and counts lines that are not events', async () => {
    const statusPath = tempCoordPath();
    const log = new EventLog(statusPath, 1 << 20, lock, () => undefined);
    await log.append({ type: 'released', owner: 'backend', leaseId: 'l1', heldMs: 3 });
    appendFileSync(log.path, '{"type":"acqu\nnot json\n{"v":1}\n');
    expect(await readLeaseEvents(statusPath)).toMatchObject({ skipped: 3, events: [expect.objectContaining({ leaseId: 'l1' })] });
  });

  it('reads nothing when there is no file yet', async () => {
    expect(await readLeaseEvents(tempCoordPath())).toEqual({ events: [], skipped: 0 });
  });

  it('warns instead of failing the lease when it cannot write', async () => {
    const blocker = `${tempCoordPath()}.file`;
    writeFileSync(blocker, '');
    const sink = warningSink();
    const log = new EventLog(path.join(blocker, 'status.json'), 1 << 20, lock, sink.warn);
    await log.append({ type: 'acquired', owner: 'backend', leaseId: 'l1' });
    expect(sink.messages).toEqual([expect.stringContaining(path.join(blocker, 'events.jsonl'))]);
  });
});
