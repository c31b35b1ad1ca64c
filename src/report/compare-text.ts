import type { Comparison } from './compare.js';
import { metricSpec } from './metrics.js';

const f = (v: number | null, d: number) => (v === null ? '-' : v.toFixed(d));

/** The terminal form of a comparison: one line per (model, metric), then drift per model. */
export function compareText(c: Comparison, table: (head: string[], rows: string[][]) => string): string {
  const deltas = table(
    ['model', 'metric', 'A', 'B', 'B-A', '95% interval', 'pairs', 'verdict'],
    c.metrics.map((m) => {
      const d = metricSpec(m.metric).digits;
      return [m.model, m.metric, f(m.meanA, d), f(m.meanB, d), f(m.difference.mean, d), `[${f(m.difference.lo, d)}, ${f(m.difference.hi, d)}]`,
        `${m.paired ? 'paired' : 'unpaired'} ${m.n}`, m.verdict];
    }),
  );
  const drift = table(
    ['model', 'pairs', 'changed', 'mean |d|', 'max |d|', 'changed px'],
    c.drift.map((d) => [d.model, String(d.compared), String(d.changedPairs), f(d.meanAbs, 3), f(d.maxAbs, 0), d.changedShare === null ? '-' : `${(d.changedShare * 100).toFixed(2)}%`]),
  );
  const only = [
    ...(c.onlyInA.length > 0 ? [`only in ${c.runA.id} (not compared): ${c.onlyInA.join(', ')}`] : []),
    ...(c.onlyInB.length > 0 ? [`only in ${c.runB.id} (not compared): ${c.onlyInB.join(', ')}`] : []),
  ];
  return [`compare ${c.runA.id} -> ${c.runB.id}`, deltas, '', 'image drift (identical settings and seed):', drift, ...only,
    c.regressions === 0 ? 'no regression' : `${c.regressions} regression(s)`].join('\n');
}
