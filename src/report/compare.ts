import { unitKey } from '../store/images-table.js';
import type { ImageResult } from '../store/rows.js';
import { clusterBootstrap, DEFAULT_RESAMPLES, DEFAULT_SEED, seedFor, unpairedDifference, type BootstrapOptions, type Interval } from './bootstrap.js';
import { measureDrift, sameSettings, type DriftPair, type ModelDrift } from './drift.js';
import { imageFile } from './grid.js';
import { clustersByPrompt } from './leaderboard.js';
import type { RunData } from './load-run.js';
import { LATENCY_METRIC, metricSpec, minimumEffect, orderMetrics } from './metrics.js';
import { groupBy, mean } from './stats.js';

export type Verdict = 'better' | 'worse' | 'no significant change';

export interface MetricComparison {
  model: string;
  metric: string;
  higherIsBetter: boolean;
  meanA: number;
  meanB: number;
  /** B − A, with a 95% bootstrap interval: paired over shared (prompt, seed) units when there are any. */
  difference: Interval;
  paired: boolean;
  /** Units both runs have (paired) or images on both sides (unpaired). */
  n: number;
  minimumEffect: number;
  verdict: Verdict;
}

export interface Comparison {
  runA: { id: string; databaseFile: string };
  runB: { id: string; databaseFile: string };
  metrics: MetricComparison[];
  drift: ModelDrift[];
  /** The pairs that moved most, largest first (at most 12). */
  largestDrift: DriftPair[];
  onlyInA: string[];
  onlyInB: string[];
  regressions: number;
}

const valueOf = (image: ImageResult, metric: string): number | undefined =>
  metric === LATENCY_METRIC ? (image.latencyMs ?? undefined) : image.scores[metric];

/** significant = the interval excludes 0 and |Δ| reaches the metric's minimum effect. */
export function verdictOf(difference: Interval, minEffect: number, higherIsBetter: boolean): Verdict {
  const excludesZero = difference.lo > 0 || difference.hi < 0;
  if (!excludesZero || Math.abs(difference.mean) < minEffect) return 'no significant change';
  return (difference.mean > 0) === higherIsBetter ? 'better' : 'worse';
}

function compareMetric(model: string, metric: string, a: readonly ImageResult[], b: readonly ImageResult[], options: BootstrapOptions): MetricComparison | null {
  const spec = metricSpec(metric);
  const valuesA = new Map(a.flatMap((i) => { const v = valueOf(i, metric); return v === undefined ? [] : [[unitKey(i.promptId, i.seedIndex), { image: i, v }] as const]; }));
  const valuesB = new Map(b.flatMap((i) => { const v = valueOf(i, metric); return v === undefined ? [] : [[unitKey(i.promptId, i.seedIndex), { image: i, v }] as const]; }));
  if (valuesA.size === 0 || valuesB.size === 0) return null;
  const meanA = mean([...valuesA.values()].map((x) => x.v))!;
  const meanB = mean([...valuesB.values()].map((x) => x.v))!;
  const shared = [...valuesA.keys()].filter((k) => valuesB.has(k));
  const seed = seedFor(options.seed ?? DEFAULT_SEED, `${model}\u0000${metric}`);
  let difference: Interval | null;
  if (shared.length > 0) {
    const diffs = groupBy(shared, (k) => valuesA.get(k)!.image.promptId);
    difference = clusterBootstrap([...diffs.values()].map((keys) => keys.map((k) => valuesB.get(k)!.v - valuesA.get(k)!.v)), { ...options, seed });
  } else {
    difference = unpairedDifference(clustersByPrompt(a, (i) => valueOf(i, metric)), clustersByPrompt(b, (i) => valueOf(i, metric)), { ...options, seed });
  }
  if (!difference) return null;
  const min = minimumEffect(spec, meanA);
  return {
    model, metric, higherIsBetter: spec.higherIsBetter, meanA, meanB, difference,
    paired: shared.length > 0, n: shared.length > 0 ? shared.length : valuesA.size + valuesB.size,
    minimumEffect: min, verdict: verdictOf(difference, min, spec.higherIsBetter),
  };
}

/** Every model both runs have, every metric either has plus latency; drift where settings match. */
export async function compareRuns(a: RunData, b: RunData, options: BootstrapOptions = {}): Promise<Comparison> {
  const bootstrap = { resamples: options.resamples ?? DEFAULT_RESAMPLES, seed: options.seed ?? DEFAULT_SEED };
  const models = a.models.filter((m) => b.models.includes(m));
  const metrics = [...orderMetrics([...new Set([...a.metrics, ...b.metrics])]), LATENCY_METRIC];
  const okOf = (d: RunData, model: string) => d.images.filter((i) => i.model === model && i.status === 'ok');
  const rows: MetricComparison[] = [];
  const pairs: Array<{ model: string; promptId: string; seedIndex: number; fileA: string; fileB: string }> = [];
  for (const model of models) {
    const okA = okOf(a, model);
    const okB = okOf(b, model);
    for (const metric of metrics) {
      const row = compareMetric(model, metric, okA, okB, bootstrap);
      if (row) rows.push(row);
    }
    const byUnit = new Map(okB.map((i) => [unitKey(i.promptId, i.seedIndex), i]));
    for (const ia of okA) {
      const ib = byUnit.get(unitKey(ia.promptId, ia.seedIndex));
      const fileA = imageFile(a, ia);
      const fileB = ib ? imageFile(b, ib) : null;
      if (ib && fileA !== null && fileB !== null && sameSettings(ia, ib)) pairs.push({ model, promptId: ia.promptId, seedIndex: ia.seedIndex, fileA, fileB });
    }
  }
  const drift = await measureDrift(pairs, models);
  return {
    runA: { id: a.run.id, databaseFile: a.databaseFile },
    runB: { id: b.run.id, databaseFile: b.databaseFile },
    metrics: rows,
    drift: drift.perModel,
    largestDrift: drift.pairs.filter((p) => p.changedShare > 0).sort((x, y) => y.meanAbs - x.meanAbs).slice(0, 12),
    onlyInA: a.models.filter((m) => !b.models.includes(m)),
    onlyInB: b.models.filter((m) => !a.models.includes(m)),
    regressions: rows.filter((r) => r.verdict === 'worse').length,
  };
}
