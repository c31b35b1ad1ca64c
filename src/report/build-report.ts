import path from 'node:path';
import type { ImageResult } from '../store/rows.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap.js';
import { buildGrid, categoryOf, countMissingPngs, type Grid } from './grid.js';
import { buildLeaderboard, type LeaderboardRow } from './leaderboard.js';
import { leaseImpact, leaseTimeline, type LeaseImpact } from './lease-impact.js';
import type { RunData } from './load-run.js';
import { orderMetrics, PREFERENCE_METRIC } from './metrics.js';
import { categorySpec, latencySpec, qualityVsLatencySpec, renderSvg, timelineSpec, type Plot } from './plots.js';
import { mean } from './stats.js';
import { winRate, type WinRate } from './win-rate.js';

export interface ReportOptions {
  /** Prompts (rows) in the image grid; DEFAULT_GRID_PROMPTS by default. */
  gridPrompts?: number;
  /** Seed index the grid shows; 0 by default. */
  gridSeed?: number;
  resamples?: number;
  seed?: number;
}

export interface Report {
  data: RunData;
  metrics: string[];
  leaderboard: LeaderboardRow[];
  winRate: WinRate | null;
  plots: Plot[];
  grid: Grid;
  categories: string[];
  missingPngs: number;
  impact: LeaseImpact;
  counts: Record<ImageResult['status'], number>;
  failures: ImageResult[];
  bootstrap: { resamples: number; seed: number };
}

/**
 * 50 prompts × 7 models = 350 thumbnails: the page of a real run (512² and 1024² PNGs) stays
 * within its 15 s budget on two cores; --grid-prompts shows more.
 */
export const DEFAULT_GRID_PROMPTS = 50;

function categoryMeans(images: readonly ImageResult[], metric: string): Array<{ category: string; model: string; mean: number }> {
  const groups = new Map<string, { category: string; model: string; values: number[] }>();
  for (const i of images) {
    const v = i.scores[metric];
    if (i.status !== 'ok' || v === undefined) continue;
    const key = `${categoryOf(i)}\u0000${i.model}`;
    const g = groups.get(key) ?? { category: categoryOf(i), model: i.model, values: [] };
    g.values.push(v);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ category: g.category, model: g.model, mean: mean(g.values)! }));
}

async function buildPlots(data: RunData, metrics: readonly string[], leaderboard: readonly LeaderboardRow[]): Promise<Plot[]> {
  const specs = [
    ...metrics.map((m) => ({ title: `${m} vs latency (95% intervals; dashed: Pareto front)`, spec: qualityVsLatencySpec(leaderboard, m) })),
    ...metrics.map((m) => ({ title: `${m} per prompt category`, spec: categorySpec(categoryMeans(data.images, m), m) })),
    {
      title: 'latency per image',
      spec: latencySpec(data.images.flatMap((i) => (i.status === 'ok' && i.latencyMs !== null ? [{ model: i.model, latency: i.latencyMs }] : []))),
    },
    { title: 'lease timeline', spec: timelineSpec(leaseTimeline(data.run, data.leaseEvents)) },
  ];
  const plots: Plot[] = [];
  for (const { title, spec } of specs) if (spec) plots.push({ title, svg: await renderSvg(spec) });
  return plots;
}

/** Every number and picture of a run's page, computed from the store's rows. */
export async function buildReport(data: RunData, pageFile: string, options: ReportOptions = {}): Promise<Report> {
  const bootstrap = { resamples: options.resamples ?? DEFAULT_RESAMPLES, seed: options.seed ?? DEFAULT_SEED };
  const metrics = orderMetrics(data.metrics);
  const leaderboard = buildLeaderboard(data.images, data.models, metrics, data.loads, bootstrap);
  const counts = { ok: 0, failed: 0, preempted: 0, interrupted: 0 };
  for (const i of data.images) counts[i.status]++;
  return {
    data,
    metrics,
    leaderboard,
    winRate: metrics.includes(PREFERENCE_METRIC) ? winRate(data.images, data.models, PREFERENCE_METRIC, bootstrap) : null,
    plots: await buildPlots(data, metrics, leaderboard),
    grid: await buildGrid(data, path.dirname(path.resolve(pageFile)), {
      prompts: options.gridPrompts ?? DEFAULT_GRID_PROMPTS,
      seedIndex: options.gridSeed ?? 0,
    }),
    categories: [...new Set(data.images.map(categoryOf))].sort(),
    missingPngs: countMissingPngs(data),
    impact: leaseImpact(data.run, data.images, data.leaseEvents),
    counts,
    failures: data.images.filter((i) => i.status === 'failed'),
    bootstrap,
  };
}
