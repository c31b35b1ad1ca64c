/**
 * What each measured quantity means to a report: its label, which direction is better, and the
 * smallest change `ppbench compare` calls significant. Scores are higher-is-better; latency is
 * lower-is-better. A metric this table does not know (any name the scores table holds) is shown
 * and compared like the others, higher-is-better, with a relative minimum effect.
 */
export interface MetricSpec {
  name: string;
  label: string;
  higherIsBetter: boolean;
  /** Minimum effect: an absolute change in the metric's unit, or a share of run A's mean. */
  minEffect: { absolute: number } | { relative: number };
  digits: number;
}

/** Per-image latency, compared like a metric (lower is better). */
export const LATENCY_METRIC = 'latency_ms';

/** The preference metric: its leaderboard column plus a win rate. */
export const PREFERENCE_METRIC = 'pickscore';

export const GENERIC_MIN_EFFECT = { relative: 0.01 } as const;

const KNOWN: Record<string, Omit<MetricSpec, 'name'>> = {
  clip_score: { label: 'CLIP score', higherIsBetter: true, minEffect: { absolute: 0.5 }, digits: 2 },
  clip_cosine: { label: 'CLIP cosine', higherIsBetter: true, minEffect: { absolute: 0.005 }, digits: 4 },
  aesthetic: { label: 'aesthetic', higherIsBetter: true, minEffect: { absolute: 0.1 }, digits: 3 },
  pickscore: { label: 'PickScore', higherIsBetter: true, minEffect: { absolute: 0.2 }, digits: 3 },
  [LATENCY_METRIC]: { label: 'latency ms', higherIsBetter: false, minEffect: { relative: 0.02 }, digits: 1 },
};

export function metricSpec(name: string): MetricSpec {
  const known = KNOWN[name];
  return known ? { name, ...known } : { name, label: name, higherIsBetter: true, minEffect: GENERIC_MIN_EFFECT, digits: 3 };
}

/** The smallest |B − A| that counts, given A's mean. */
export function minimumEffect(spec: MetricSpec, meanA: number): number {
  return 'absolute' in spec.minEffect ? spec.minEffect.absolute : spec.minEffect.relative * Math.abs(meanA);
}

export const describeMinEffect = (spec: MetricSpec): string =>
  'absolute' in spec.minEffect ? `${spec.minEffect.absolute}` : `${(spec.minEffect.relative * 100).toFixed(0)}%`;

/** Known metrics first, in a fixed order, then the rest by name. */
export function orderMetrics(names: readonly string[]): string[] {
  const order = Object.keys(KNOWN);
  return [...names].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia !== ib) return (ia === -1 ? order.length : ia) - (ib === -1 ? order.length : ib);
    return a.localeCompare(b);
  });
}
