import { describe, expect, it } from 'vitest';
import { summarizeCategories } from '../../src/runner/category-summary.js';
import { formatLeaseLine, summarizeLease } from '../../src/runner/lease-summary.js';
import type { ImageResult, LeaseEventRecord } from '../../src/store/rows.js';

const event = (type: string, owner: string, waitedMs?: number): LeaseEventRecord => ({ id: `${Math.random()}`, ts: '2026-01-01T00:00:00Z', type, owner, waitedMs });

describe('summary: the lease line and scores by category', () => {
  it('counts the benchmark\'s holds and preemptions and its waits for the backend', () => {
    const events = [
      event('acquired', 'benchmark', 0), event('released', 'benchmark'),
      event('acquired', 'backend', 999),
      event('acquired', 'benchmark', 100), event('preempted', 'benchmark'),
      event('acquired', 'benchmark', 300),
    ];
    const lease = summarizeLease(events);
    expect(lease).toEqual({ holds: 3, preemptions: 1, waitP50Ms: 100, waitP95Ms: 280, waitMaxMs: 300 });
    expect(formatLeaseLine(lease)).toBe('lease: 3 holds, 1 preemptions by the backend; waits for the backend p50 100 ms, p95 280 ms, max 300 ms');
    expect(formatLeaseLine(summarizeLease([]))).toBe('lease: none taken (CPU run or lease disabled)');
  });

  it('breaks CLIP and aesthetic scores down by model and category', () => {
    const row = (model: string, category: string, cos: number, aesthetic: number) =>
      ({ model, category, status: 'ok', scores: { clip_cosine: cos, aesthetic } }) as unknown as ImageResult;
    const rows = [row('a', 'people', 0.3, 5), row('a', 'people', 0.1, 7), row('a', 'animals', 0.2, 4), row('b', 'people', -0.1, 3)];
    expect(summarizeCategories(rows)).toEqual([
      { model: 'a', category: 'people', ok: 2, clipScore: expect.closeTo(20, 9), aesthetic: 6 },
      { model: 'a', category: 'animals', ok: 1, clipScore: expect.closeTo(20, 9), aesthetic: 4 },
      { model: 'b', category: 'people', ok: 1, clipScore: 0, aesthetic: 3 },
    ]);
  });
});
