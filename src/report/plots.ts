import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { LeaderboardRow } from './leaderboard.js';
import type { TimelineEntry } from './lease-impact.js';
import { metricSpec } from './metrics.js';

/**
 * The page's plots as Vega-Lite specs, rendered to SVG strings in Node (vega's headless view,
 * no browser, no canvas): the page embeds them inline and needs no script to show them.
 */
export interface Plot {
  title: string;
  svg: string;
}

const BASE = { background: 'white', config: { font: 'sans-serif', view: { stroke: '#ddd' } } } as const;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Models no other model beats on both latency (lower) and the metric (by its direction). */
export function paretoFront(points: ReadonlyArray<{ model: string; latency: number; value: number }>, higherIsBetter: boolean): Set<string> {
  const better = (a: number, b: number) => (higherIsBetter ? a >= b : a <= b);
  return new Set(
    points
      .filter((p) => !points.some((q) => q !== p && q.latency <= p.latency && better(q.value, p.value) && (q.latency < p.latency || q.value !== p.value)))
      .map((p) => p.model),
  );
}

export function qualityVsLatencySpec(rows: readonly LeaderboardRow[], metric: string): TopLevelSpec | null {
  const spec = metricSpec(metric);
  const points = rows.flatMap((r) => {
    const iv = r.metrics[metric];
    return iv && r.latencyP50Ms !== null ? [{ model: r.model, latency: r.latencyP50Ms, value: iv.mean, lo: iv.lo, hi: iv.hi }] : [];
  });
  if (points.length === 0) return null;
  const front = paretoFront(points, spec.higherIsBetter);
  const values = points.map((p) => ({ ...p, pareto: front.has(p.model) }));
  const x = { field: 'latency', type: 'quantitative', title: 'latency p50 (ms)', scale: { zero: false } } as const;
  return {
    ...BASE,
    width: 420,
    height: 260,
    data: { values },
    layer: [
      { mark: { type: 'rule' }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: spec.label, scale: { zero: false } }, y2: { field: 'hi' }, color: { field: 'model', type: 'nominal' } } },
      { transform: [{ filter: 'datum.pareto' }], mark: { type: 'line', strokeDash: [4, 3], color: '#888' }, encoding: { x, y: { field: 'value', type: 'quantitative' }, order: { field: 'latency' } } },
      { mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y: { field: 'value', type: 'quantitative' }, color: { field: 'model', type: 'nominal' }, shape: { field: 'pareto', type: 'nominal', title: 'Pareto front' } } },
      { mark: { type: 'text', dx: 6, align: 'left', fontSize: 10 }, encoding: { x, y: { field: 'value', type: 'quantitative' }, text: { field: 'model' } } },
    ],
  } as TopLevelSpec;
}

export function categorySpec(values: ReadonlyArray<{ category: string; model: string; mean: number }>, metric: string): TopLevelSpec | null {
  if (values.length === 0) return null;
  return {
    ...BASE,
    width: { step: 12 },
    height: 220,
    data: { values: [...values] },
    mark: 'bar',
    encoding: {
      x: { field: 'category', type: 'nominal', title: 'prompt category' },
      xOffset: { field: 'model', type: 'nominal' },
      y: { field: 'mean', type: 'quantitative', title: `mean ${metricSpec(metric).label}`, scale: { zero: false } },
      color: { field: 'model', type: 'nominal' },
    },
  } as TopLevelSpec;
}

export function latencySpec(values: ReadonlyArray<{ model: string; latency: number }>): TopLevelSpec | null {
  if (values.length === 0) return null;
  return {
    ...BASE,
    width: 420,
    data: { values: [...values] },
    mark: { type: 'boxplot', extent: 1.5 },
    encoding: {
      y: { field: 'model', type: 'nominal', title: null },
      x: { field: 'latency', type: 'quantitative', title: 'latency per image (ms)', scale: { zero: false } },
      color: { field: 'model', type: 'nominal', legend: null },
    },
  } as TopLevelSpec;
}

export function timelineSpec(entries: readonly TimelineEntry[]): TopLevelSpec | null {
  if (entries.length === 0) return null;
  const values = entries.map((e) => ({ ...e, start: e.startMs / 1000, end: e.endMs / 1000, instant: e.endMs === e.startMs }));
  const y = { field: 'kind', type: 'nominal', title: null } as const;
  const color = { field: 'kind', type: 'nominal', legend: null } as const;
  return {
    ...BASE,
    width: 520,
    data: { values },
    layer: [
      { transform: [{ filter: '!datum.instant' }], mark: { type: 'bar', height: 12 }, encoding: { x: { field: 'start', type: 'quantitative', title: 's since the run started' }, x2: { field: 'end' }, y, color } },
      { transform: [{ filter: 'datum.instant' }], mark: { type: 'tick', thickness: 2 }, encoding: { x: { field: 'start', type: 'quantitative' }, y, color } },
    ],
  } as TopLevelSpec;
}
