import { existsSync, mkdtempSync, rmSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleTempFiles, writeFileAtomic } from '../../src/fs/atomic-file.js';
import { toCsv, toExportRows } from '../../src/store/export-rows.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { ResultStore } from '../../src/store/result-store.js';
import type { ImageRecord } from '../../src/store/rows.js';

const made: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ppbench-store-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function openWithRun(): ResultStore {
  const store = ResultStore.open(path.join(tmp(), 'db', 'ppbench.sqlite'));
  store.runs.insert({
    id: 'r1',
    configJson: '{}',
    identity: 'x',
    shard: null,
    gitRevision: null,
    host: 'h',
    deviceJson: null,
    libtorchVersion: null,
    startedAt: new Date().toISOString(),
    endedAt: null,
    status: 'running',
  });
  return store;
}

const image = (over: Partial<ImageRecord> = {}): ImageRecord => ({
  runId: 'r1',
  model: 'sdxl-base',
  promptId: 'p001',
  seedIndex: 0,
  seed: 42,
  prompt: 'a cat',
  negativePrompt: null,
  steps: 30,
  guidance: 5,
  width: 1024,
  height: 1024,
  scheduler: 'EulerDiscreteScheduler',
  filePath: 'r1/images/sdxl-base/p001-s0.png',
  timings: { totalMs: 10, unetMs: [1, 2] },
  latencyMs: 10,
  leaseWaitMs: 0.5,
  peakMemoryBytes: 123,
  status: 'ok',
  errorCode: null,
  errorMessage: null,
  ...over,
});

describe('ResultStore', () => {
  it('creates a WAL database at the current schema version, recorded in schema_version', () => {
    const store = openWithRun();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.prepare('SELECT MAX(version) AS v FROM schema_version').get()).toEqual({ v: SCHEMA_VERSION });
    store.close();
    // Reopening runs no migration twice.
    const again = ResultStore.open(store.path);
    expect(again.db.prepare('SELECT COUNT(*) AS n FROM schema_version').get()).toEqual({ n: SCHEMA_VERSION });
    again.close();
  });

  it('refuses a database from a newer ppbench', () => {
    const file = path.join(tmp(), 'new.sqlite');
    const db = new Database(file);
    db.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL); INSERT INTO schema_version VALUES (${SCHEMA_VERSION + 1}, 'later')`);
    db.close();
    expect(() => ResultStore.open(file)).toThrow(/schema version \d+, newer than this ppbench understands/);
  });

  it('keeps a NULL negative prompt and an empty one distinct', () => {
    const store = openWithRun();
    store.images.record(image({ promptId: 'p001', negativePrompt: null }));
    store.images.record(image({ promptId: 'p002', negativePrompt: '' }));
    store.images.record(image({ promptId: 'p003', negativePrompt: 'blurry' }));
    expect(store.images.list('r1').map((r) => r.negativePrompt)).toEqual([null, '', 'blurry']);
    const csv = toCsv(toExportRows(store.images.results('r1'))).split('\r\n');
    const column = csv[0]!.split(',').indexOf('negative_prompt');
    expect(csv.slice(1, 4).map((line) => line.split(',')[column])).toEqual(['', '""', 'blurry']);
    store.close();
  });

  it('one row per image: a new attempt overwrites the last, counts attempts and drops stale scores', () => {
    const store = openWithRun();
    const first = store.images.record(image({ status: 'preempted', filePath: null, errorCode: 'ERR_PREEMPTED' }));
    store.scores.insert([{ imageId: first, values: { clip_score: 1, clip_cosine: 0.01, aesthetic: 3 } }]);
    const second = store.images.record(image());
    expect(second).toBe(first);
    expect(store.images.list('r1')).toEqual([expect.objectContaining({ status: 'ok', attempts: 2, errorCode: null, timings: { totalMs: 10, unetMs: [1, 2] } })]);
    expect(store.images.unscored('r1', 'sdxl-base')).toHaveLength(1);
    store.scores.insert([{ imageId: second, values: { clip_score: 31, clip_cosine: 0.31, aesthetic: 6 } }]);
    expect(store.images.results('r1')[0]!.scores).toEqual({ clip_score: 31, clip_cosine: 0.31, aesthetic: 6 });
    expect(store.images.unscored('r1', 'sdxl-base')).toHaveLength(0);
    store.close();
  });

  it('imports lease events once, however often events.jsonl is read', () => {
    const store = openWithRun();
    const events = [
      { v: 1, id: 'e1', ts: '2026-11-29T12:00:00.000Z', type: 'acquired', owner: 'benchmark', leaseId: 'l1', pid: 7, host: 'h', waitedMs: 3 },
      { v: 1, id: 'e2', ts: '2026-11-29T12:00:01.000Z', type: 'preempted', owner: 'benchmark', leaseId: 'l1', pid: 7, host: 'h', heldMs: 900, detail: { reason: 'want' } },
    ];
    expect(store.importLeaseEvents('r1', events)).toBe(2);
    expect(store.importLeaseEvents('r1', events)).toBe(0);
    expect(store.leaseEvents.list('r1')).toEqual([
      { id: 'e1', ts: events[0]!.ts, type: 'acquired', owner: 'benchmark', leaseId: 'l1', pid: 7, host: 'h', waitedMs: 3 },
      { id: 'e2', ts: events[1]!.ts, type: 'preempted', owner: 'benchmark', leaseId: 'l1', pid: 7, host: 'h', heldMs: 900, detail: { reason: 'want' } },
    ]);
    store.close();
  });
});

describe('atomic files', () => {
  it('writes through a temp file, leaving only the final file', async () => {
    const dir = tmp();
    const file = path.join(dir, 'a', 'b.png');
    await writeFileAtomic(file, Buffer.from('one'));
    await writeFileAtomic(file, Buffer.from('two'));
    expect(readdirSync(path.dirname(file))).toEqual(['b.png']);
  });

  it('removes only old temp files (a shard sharing the folder may be writing a new one)', async () => {
    const dir = tmp();
    const old = path.join(dir, 'p1-s0.png.11.aaaa.tmp');
    const fresh = path.join(dir, 'p1-s1.png.12.bbbb.tmp');
    writeFileSync(old, 'x');
    writeFileSync(fresh, 'y');
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(old, past, past);
    await removeStaleTempFiles(dir);
    expect([existsSync(old), existsSync(fresh)]).toEqual([false, true]);
  });
});
