import { describe, expect, it } from 'vitest';
import { percentile, summarizeRun } from '../../src/runner/summary.js';
import type { ImageResult } from '../../src/store/rows.js';

let made = 0;
const image = (over: Partial<ImageResult>): ImageResult => {
  made++;
  return { id: made, updatedAt: `2026-01-01T00:00:${String(made).padStart(2, '0')}Z`, model: 'm', status: 'ok', latencyMs: null, peakMemoryBytes: null, scores: {}, ...over } as ImageResult;
};

describe('summarizeRun', () => {
  it('takes the CLIP score as max(mean(100 cos), 0) of the raw cosines, not the mean of clamped scores', () => {
    const rows = [image({ scores: { clip_cosine: 0.3, clip_score: 30 } }), image({ scores: { clip_cosine: -0.2, clip_score: 0 } })];
    expect(summarizeRun(rows, [{ key: 'm' }])[0]!.clipScore).toBeCloseTo(5);
    expect(summarizeRun([image({ scores: { clip_cosine: -0.1 } })], [{ key: 'm' }])[0]!.clipScore).toBe(0);
  });

  it('counts ok, failed and pending against the planned total; latency percentiles (without the warm-up) and peak memory over ok images', () => {
    const rows = [
      image({ latencyMs: 6000, peakMemoryBytes: 10 }),
      ...[100, 200, 300, 400].map((latencyMs, i) => image({ latencyMs, peakMemoryBytes: 1000 * (i + 1), scores: { aesthetic: 4 + i } })),
      image({ status: 'failed', latencyMs: 5 }),
      image({ status: 'preempted' }),
    ];
    expect(summarizeRun(rows, [{ key: 'm', total: 9 }])[0]).toMatchObject({
      ok: 5,
      failed: 1,
      pending: 3,
      aesthetic: 5.5,
      latencyP50Ms: 250,
      latencyP95Ms: 385,
      warmupMs: 6000,
      peakMemoryBytes: 4000,
      clipScore: null,
    });
  });

  it('a model with a single image reports it as both warm-up and percentiles', () => {
    expect(summarizeRun([image({ latencyMs: 42 })], [{ key: 'm' }])[0]).toMatchObject({ latencyP50Ms: 42, warmupMs: 42 });
  });

  it('percentile interpolates between ranks', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
  });
});
