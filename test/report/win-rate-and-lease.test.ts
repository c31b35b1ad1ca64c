import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLeaderboard } from '../../src/report/leaderboard.js';
import { leaseImpact, leaseTimeline } from '../../src/report/lease-impact.js';
import { paretoFront } from '../../src/report/plots.js';
import { winRate } from '../../src/report/win-rate.js';
import { writeReport } from '../../src/report/write-report.js';
import type { ImageResult, LeaseEventRecord, RunRow } from '../../src/store/rows.js';
import { writeSyntheticRun } from './helpers/synthetic-run.js';

/** Only what the report reads of an image. */
function image(model: string, promptId: string, seedIndex: number, scores: Record<string, number>, extra: Partial<ImageResult> = {}): ImageResult {
  return {
    id: 0, runId: 'r', model, promptId, seedIndex, seed: seedIndex, prompt: promptId, negativePrompt: null, steps: 2, guidance: 1, width: 8, height: 8,
    scheduler: 'euler', filePath: null, timings: null, latencyMs: 100, leaseWaitMs: null, peakMemoryBytes: null, status: 'ok', errorCode: null,
    errorMessage: null, attempts: 1, createdAt: '', updatedAt: '', scores, ...extra,
  };
}

const run: RunRow = {
  id: 'r', configJson: '{}', identity: 'x', shard: null, gitRevision: null, host: null, deviceJson: null, libtorchVersion: null,
  startedAt: '2026-12-04T10:00:00.000Z', endedAt: '2026-12-04T10:01:40.000Z', status: 'completed',
};

describe('PickScore win rate', () => {
  it('counts, per shared (prompt, seed), which model scores highest (ties split), and a pairwise matrix', () => {
    const images = [
      image('a', 'p1', 0, { pickscore: 21 }), image('b', 'p1', 0, { pickscore: 20 }), image('c', 'p1', 0, { pickscore: 19 }),
      image('a', 'p1', 1, { pickscore: 18 }), image('b', 'p1', 1, { pickscore: 22 }), image('c', 'p1', 1, { pickscore: 19 }),
      image('a', 'p2', 0, { pickscore: 20 }), image('b', 'p2', 0, { pickscore: 20 }), image('c', 'p2', 0, { pickscore: 19 }),
      // c has no p3: the unit is not shared by all, but counts in the a-vs-b cell
      image('a', 'p3', 0, { pickscore: 25 }), image('b', 'p3', 0, { pickscore: 10 }),
    ];
    const w = winRate(images, ['a', 'b', 'c'], 'pickscore')!;
    expect(w.sharedUnits).toBe(3);
    expect(w.perModel.map((p) => [p.model, p.wins])).toEqual([['a', 1.5], ['b', 1.5], ['c', 0]]);
    expect(w.perModel[0]!.rate!.mean).toBeCloseTo(0.5, 12);
    expect(w.perModel[2]!.rate).toMatchObject({ mean: 0, lo: 0, hi: 0 });
    // a vs b over p1#0, p1#1, p2#0 (tie), p3#0: (1 + 0 + 0.5 + 1) / 4
    expect(w.matrix[0]![1]).toBeCloseTo(2.5 / 4, 12);
    expect(w.matrix[1]![0]).toBeCloseTo(1.5 / 4, 12);
    expect(w.matrix[0]![0]).toBeNull();
  });
});

describe('leaderboard ties and the Pareto front', () => {
  it('marks the best mean and every model whose interval overlaps it; latency is lower-is-better', () => {
    const images = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].flatMap((p, k) => [
      image('best', p, 0, { clip_score: 30 + (k % 2) }),
      image('close', p, 0, { clip_score: 29.8 + (k % 3) * 0.5 }),
      image('far', p, 0, { clip_score: 20 + (k % 2) * 0.1 }),
    ]);
    const rows = buildLeaderboard(images, ['best', 'close', 'far'], ['clip_score'], []);
    expect(rows.map((r) => [r.model, r.best.clip_score, r.tied.clip_score])).toEqual([['best', true, false], ['close', false, true], ['far', false, false]]);
    const front = paretoFront([{ model: 'fast', latency: 100, value: 20 }, { model: 'good', latency: 300, value: 30 }, { model: 'worse', latency: 400, value: 25 }], true);
    expect([...front].sort()).toEqual(['fast', 'good']);
  });
});

describe('lease impact', () => {
  const events: LeaseEventRecord[] = [
    { id: '1', ts: '2026-12-04T10:00:30.000Z', type: 'released', owner: 'benchmark', heldMs: 30_000 },
    { id: '2', ts: '2026-12-04T10:00:31.000Z', type: 'acquired', owner: 'backend', waitedMs: 1200 },
    { id: '3', ts: '2026-12-04T10:00:40.000Z', type: 'preempted', owner: 'benchmark' },
    { id: '4', ts: '2026-12-04T10:00:45.000Z', type: 'acquired', owner: 'backend', waitedMs: 200 },
    { id: '5', ts: '2026-12-04T10:01:30.000Z', type: 'released', owner: 'benchmark', heldMs: 40_000 },
  ];

  it('counts redone and preempted images, backend waits and the time the benchmark held the GPU', () => {
    const images = [image('a', 'p1', 0, {}, { attempts: 2 }), image('a', 'p2', 0, {}, { status: 'preempted' }), image('a', 'p3', 0, {})];
    expect(leaseImpact(run, images, events)).toEqual({
      redone: 1, stillPreempted: 1, preemptionEvents: 1,
      backendWaits: { count: 2, p50Ms: 700, p95Ms: 1150, maxMs: 1200 },
      heldMs: 70_000, wallMs: 100_000,
    });
    expect(leaseTimeline(run, events)).toEqual([
      { startMs: 0, endMs: 30_000, kind: 'benchmark hold', label: 'benchmark' },
      { startMs: 29_800, endMs: 31_000, kind: 'backend wait', label: 'backend' },
      { startMs: 40_000, endMs: 40_000, kind: 'preempted', label: 'benchmark' },
      { startMs: 44_800, endMs: 45_000, kind: 'backend wait', label: 'backend' },
      { startMs: 50_000, endMs: 90_000, kind: 'benchmark hold', label: 'benchmark' },
    ]);
  });

  it('the page shows the lease timeline plot and the impact figures from the lease_events table', async () => {
    const resultsDir = mkdtempSync(path.join(tmpdir(), 'ppbench-report-lease-'));
    try {
      const { databaseFile } = await writeSyntheticRun({ resultsDir, runId: 'leased', models: ['alpha'], prompts: 2, seeds: 1, leaseEvents: events });
      const html = readFileSync((await writeReport({ databaseFile })).file, 'utf8');
      expect(html).toContain('<h3>lease timeline</h3><svg');
      expect(html).toContain('<dt>backend waits while the benchmark ran</dt><dd>2: p50 700 ms, p95 1.1 s, max 1.2 s</dd>');
      expect(html).toContain('<dt>benchmark held the GPU</dt><dd>70.0 s (3.9% of wall time)</dd>');
    } finally {
      rmSync(resultsDir, { recursive: true, force: true });
    }
  });
});
