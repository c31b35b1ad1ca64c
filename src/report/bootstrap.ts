/**
 * Percentile bootstrap intervals of a mean, resampling whole clusters: a prompt's seeds move
 * together, because images of one prompt are not independent (an easy prompt is easy for every
 * seed). Seeded, so the same data gives the same interval and the same page.
 */
import { seededRandom } from '../random/seeded-random.js';

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 20_241_204;

export interface Interval {
  mean: number;
  /** 2.5th and 97.5th percentiles of the resampled means. */
  lo: number;
  hi: number;
  /** How many values (images, pairs) and clusters (prompts) it rests on. */
  n: number;
  clusters: number;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Two-sided coverage; 0.95 by default. */
  level?: number;
}

export { seededRandom };

/** FNV-1a of a label mixed into the seed: each (model, metric) gets its own stream, whatever the order. */
export function seedFor(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface ClusterSums {
  sums: Float64Array;
  counts: Float64Array;
  n: number;
}

function clusterSums(clusters: ReadonlyArray<readonly number[]>): ClusterSums {
  const kept = clusters.filter((c) => c.length > 0);
  const sums = new Float64Array(kept.length);
  const counts = new Float64Array(kept.length);
  let n = 0;
  kept.forEach((c, i) => {
    sums[i] = c.reduce((a, b) => a + b, 0);
    counts[i] = c.length;
    n += c.length;
  });
  return { sums, counts, n };
}

function resampledMeans(c: ClusterSums, resamples: number, random: () => number): Float64Array {
  const k = c.sums.length;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    let count = 0;
    for (let j = 0; j < k; j++) {
      const pick = Math.floor(random() * k);
      sum += c.sums[pick]!;
      count += c.counts[pick]!;
    }
    means[r] = sum / count;
  }
  return means;
}

function percentileInterval(samples: Float64Array, level: number): { lo: number; hi: number } {
  const sorted = Array.from(samples).sort((a, b) => a - b);
  const at = (q: number) => {
    const rank = q * (sorted.length - 1);
    const lo = Math.floor(rank);
    return sorted[lo]! + (sorted[Math.ceil(rank)]! - sorted[lo]!) * (rank - lo);
  };
  const tail = (1 - level) / 2;
  return { lo: at(tail), hi: at(1 - tail) };
}

/** Mean of all values with a cluster bootstrap interval; null when there is nothing to average. */
export function clusterBootstrap(clusters: ReadonlyArray<readonly number[]>, options: BootstrapOptions = {}): Interval | null {
  const c = clusterSums(clusters);
  if (c.n === 0) return null;
  const mean = c.sums.reduce((a, b) => a + b, 0) / c.n;
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const { lo, hi } = percentileInterval(resampledMeans(c, options.resamples ?? DEFAULT_RESAMPLES, random), options.level ?? 0.95);
  return { mean, lo, hi, n: c.n, clusters: c.sums.length };
}

/**
 * Difference of means B − A of two independent samples (no pairs in common): each side is
 * resampled by its own clusters.
 */
export function unpairedDifference(
  a: ReadonlyArray<readonly number[]>,
  b: ReadonlyArray<readonly number[]>,
  options: BootstrapOptions = {},
): Interval | null {
  const ca = clusterSums(a);
  const cb = clusterSums(b);
  if (ca.n === 0 || cb.n === 0) return null;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const ma = resampledMeans(ca, resamples, random);
  const mb = resampledMeans(cb, resamples, random);
  const diffs = mb.map((v, i) => v - ma[i]!);
  const mean = cb.sums.reduce((x, y) => x + y, 0) / cb.n - ca.sums.reduce((x, y) => x + y, 0) / ca.n;
  const { lo, hi } = percentileInterval(diffs, options.level ?? 0.95);
  return { mean, lo, hi, n: ca.n + cb.n, clusters: ca.sums.length + cb.sums.length };
}
