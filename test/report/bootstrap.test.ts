import { describe, expect, it } from 'vitest';
import { clusterBootstrap, seededRandom, unpairedDifference } from '../../src/report/bootstrap.js';
import { verdictOf } from '../../src/report/compare.js';

/** Normal(0, 1) from the seeded generator (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** 30 prompts × 4 seeds: a shared prompt effect (sd 1) plus per-image noise (sd 0.5) around `trueMean`. */
function clusteredSample(random: () => number, trueMean: number): number[][] {
  return Array.from({ length: 30 }, () => {
    const prompt = normal(random);
    return Array.from({ length: 4 }, () => trueMean + prompt + 0.5 * normal(random));
  });
}

describe('cluster bootstrap interval of a mean', () => {
  it('covers the true mean at about the nominal 95% over many simulated runs', () => {
    const random = seededRandom(42);
    const trials = 300;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const iv = clusterBootstrap(clusteredSample(random, 10), { seed: t })!;
      if (iv.lo <= 10 && 10 <= iv.hi) covered++;
    }
    // The percentile bootstrap with 30 clusters runs a little under nominal; 300 trials give ±2.5% noise.
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it('keeps a prompt\'s seeds together: correlated seeds give a wider interval than treating images as independent', () => {
    const sample = clusteredSample(seededRandom(3), 0);
    const clustered = clusterBootstrap(sample)!;
    const independent = clusterBootstrap(sample.flat().map((v) => [v]))!;
    expect(clustered.mean).toBeCloseTo(independent.mean, 12);
    expect(clustered.hi - clustered.lo).toBeGreaterThan(1.3 * (independent.hi - independent.lo));
  });

  it('same data and seed give the same interval; another seed moves it slightly', () => {
    const sample = clusteredSample(seededRandom(5), 1);
    expect(clusterBootstrap(sample, { seed: 9 })).toEqual(clusterBootstrap(sample, { seed: 9 }));
    expect(clusterBootstrap(sample, { seed: 9 })).not.toEqual(clusterBootstrap(sample, { seed: 10 }));
  });

  it('has no interval without values, and a zero-width one for constant data', () => {
    expect(clusterBootstrap([[], []])).toBeNull();
    expect(clusterBootstrap([[2, 2], [2]])).toMatchObject({ mean: 2, lo: 2, hi: 2, n: 3, clusters: 2 });
  });

  it('an unpaired difference of two samples brackets the true difference', () => {
    const random = seededRandom(11);
    const iv = unpairedDifference(clusteredSample(random, 5), clusteredSample(random, 8))!;
    expect(iv.lo).toBeLessThan(3);
    expect(iv.hi).toBeGreaterThan(3);
  });
});

describe('compare verdicts', () => {
  it('significant means: the interval excludes 0 AND the change reaches the minimum effect; direction decides better or worse', () => {
    expect(verdictOf({ mean: 5, lo: 4, hi: 6, n: 10, clusters: 5 }, 2, false)).toBe('worse');
    expect(verdictOf({ mean: 5, lo: 4, hi: 6, n: 10, clusters: 5 }, 2, true)).toBe('better');
    expect(verdictOf({ mean: 1, lo: 0.5, hi: 1.5, n: 10, clusters: 5 }, 2, true)).toBe('no significant change');
    expect(verdictOf({ mean: 5, lo: -1, hi: 9, n: 10, clusters: 5 }, 2, true)).toBe('no significant change');
    expect(verdictOf({ mean: 0, lo: 0, hi: 0, n: 10, clusters: 5 }, 0, true)).toBe('no significant change');
  });
});
