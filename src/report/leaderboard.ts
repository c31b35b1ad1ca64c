import type { ImageResult, ModelLoadRecord } from '../store/rows.js';
import { clusterBootstrap, DEFAULT_SEED, seedFor, type BootstrapOptions, type Interval } from './bootstrap.js';
import { metricSpec } from './metrics.js';
import { groupBy, mean, quantile } from './stats.js';

export interface ModelSettings {
  steps: number;
  width: number;
  height: number;
  guidance: number;
  scheduler: string;
}

export interface LeaderboardRow {
  model: string;
  ok: number;
  failed: number;
  /** Mean with a 95% bootstrap interval per metric; null where the model has no value. */
  metrics: Record<string, Interval | null>;
  /** Per metric: the model's interval overlaps the best model's (and it is not the best). */
  tied: Record<string, boolean>;
  best: Record<string, boolean>;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Median over all UNet steps of the model's ok images. */
  stepP50Ms: number | null;
  /** 60 s divided by the mean latency: sequential throughput. */
  imagesPerMinute: number | null;
  loadMs: number | null;
  peakMemoryBytes: number | null;
  /** Distinct settings used (normally one). */
  settings: ModelSettings[];
}

/** The values of one metric per prompt (a prompt's seeds kept together), for the bootstrap. */
export function clustersByPrompt(images: readonly ImageResult[], value: (i: ImageResult) => number | undefined | null): number[][] {
  const clusters = groupBy(images, (i) => i.promptId);
  return [...clusters.values()].map((list) => list.flatMap((i) => {
    const v = value(i);
    return v === undefined || v === null || !Number.isFinite(v) ? [] : [v];
  }));
}

function settingsOf(images: readonly ImageResult[]): ModelSettings[] {
  const seen = new Map<string, ModelSettings>();
  for (const i of images) {
    const s = { steps: i.steps, width: i.width, height: i.height, guidance: i.guidance, scheduler: i.scheduler };
    seen.set(JSON.stringify(s), s);
  }
  return [...seen.values()];
}

function unetSteps(images: readonly ImageResult[]): number[] {
  return images.flatMap((i) => {
    const steps = i.timings?.unetMs;
    return Array.isArray(steps) ? steps : [];
  });
}

export function buildLeaderboard(
  images: readonly ImageResult[],
  models: readonly string[],
  metrics: readonly string[],
  loads: readonly ModelLoadRecord[],
  options: BootstrapOptions = {},
): LeaderboardRow[] {
  const rows = models.map((model): LeaderboardRow => {
    const mine = images.filter((i) => i.model === model);
    const ok = mine.filter((i) => i.status === 'ok');
    const latencies = ok.flatMap((i) => (i.latencyMs === null ? [] : [i.latencyMs]));
    const memory = ok.flatMap((i) => (i.peakMemoryBytes === null ? [] : [i.peakMemoryBytes]));
    const meanLatency = mean(latencies);
    const load = loads.find((l) => l.role === 'generation' && l.model === model);
    const intervals: Record<string, Interval | null> = {};
    for (const metric of metrics) {
      intervals[metric] = clusterBootstrap(
        clustersByPrompt(ok, (i) => i.scores[metric]),
        { ...options, seed: seedFor(options.seed ?? DEFAULT_SEED, `${model}\u0000${metric}`) },
      );
    }
    return {
      model,
      ok: ok.length,
      failed: mine.filter((i) => i.status === 'failed').length,
      metrics: intervals,
      tied: {},
      best: {},
      latencyP50Ms: quantile(latencies, 0.5),
      latencyP95Ms: quantile(latencies, 0.95),
      stepP50Ms: quantile(unetSteps(ok), 0.5),
      imagesPerMinute: meanLatency === null || meanLatency <= 0 ? null : 60_000 / meanLatency,
      loadMs: load?.loadMs ?? null,
      peakMemoryBytes: memory.length === 0 ? null : Math.max(...memory),
      settings: settingsOf(ok.length > 0 ? ok : mine),
    };
  });
  for (const metric of metrics) markTies(rows, metric);
  return rows;
}

/** The best mean gets `best`; every other model whose interval overlaps the best's is `tied`. */
function markTies(rows: LeaderboardRow[], metric: string): void {
  const spec = metricSpec(metric);
  const scored = rows.filter((r) => r.metrics[metric]);
  if (scored.length === 0) return;
  const best = scored.reduce((a, b) => {
    const ma = a.metrics[metric]!.mean;
    const mb = b.metrics[metric]!.mean;
    return (spec.higherIsBetter ? mb > ma : mb < ma) ? b : a;
  });
  const top = best.metrics[metric]!;
  for (const row of scored) {
    const iv = row.metrics[metric]!;
    row.best[metric] = row === best;
    row.tied[metric] = row !== best && iv.lo <= top.hi && iv.hi >= top.lo;
  }
}
