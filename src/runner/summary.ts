import type { ImageResult, ModelLoadRecord } from '../store/rows.js';
import { mean, quantileSorted } from '../stats/descriptive.js';

export interface ModelSummary {
  model: string;
  ok: number;
  failed: number;
  /** Planned but without a final row (preempted, interrupted, never attempted). */
  pending: number;
  /** max(mean(100·cos), 0) over the model's scored images: the corpus CLIP score. */
  clipScore: number | null;
  aesthetic: number | null;
  /** Percentiles over the model's images without its first (warm-up) image. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Latency of the model's first image (kernel selection, caches, lazy init): reported on its own. */
  warmupMs: number | null;
  peakMemoryBytes: number | null;
  /** The model load (reading the weights onto the device), its own stage: never in the image latencies. */
  loadMs: number | null;
  loadError: string | null;
}

/** The p-th percentile (0–100) of sorted values: numpy's default interpolation. */
export const percentile = (sorted: readonly number[], p: number): number | null => quantileSorted(sorted, p / 100);

/**
 * One row per model, in the given order. The CLIP score is computed from the raw cosines
 * (mean first, clamp after) as torchmetrics does over many pairs, not as a mean of clamped
 * per-image scores.
 */
export function summarizeRun(
  results: readonly ImageResult[],
  models: ReadonlyArray<{ key: string; total?: number }>,
  loads: readonly ModelLoadRecord[] = [],
): ModelSummary[] {
  return models.map(({ key, total }) => {
    const rows = results.filter((r) => r.model === key);
    const ok = rows.filter((r) => r.status === 'ok');
    const failed = rows.filter((r) => r.status === 'failed').length;
    const cosines = ok.flatMap((r) => (r.scores.clip_cosine === undefined ? [] : [r.scores.clip_cosine]));
    const meanCos = mean(cosines);
    // The first image made is the warm-up; with one image only, it is all there is.
    const timed = ok.filter((r) => r.latencyMs !== null).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id);
    const warmup = timed[0] ?? null;
    const steady = timed.length > 1 ? timed.slice(1) : timed;
    const latencies = steady.map((r) => r.latencyMs!).sort((a, b) => a - b);
    const memory = ok.flatMap((r) => (r.peakMemoryBytes === null ? [] : [r.peakMemoryBytes]));
    const load = loads.find((l) => l.role === 'generation' && l.model === key);
    return {
      model: key,
      ok: ok.length,
      failed,
      pending: (total ?? rows.length) - ok.length - failed,
      clipScore: meanCos === null ? null : Math.max(100 * meanCos, 0),
      aesthetic: mean(ok.flatMap((r) => (r.scores.aesthetic === undefined ? [] : [r.scores.aesthetic]))),
      latencyP50Ms: percentile(latencies, 50),
      latencyP95Ms: percentile(latencies, 95),
      warmupMs: warmup?.latencyMs ?? null,
      peakMemoryBytes: memory.length === 0 ? null : Math.max(...memory),
      loadMs: load?.status === 'loaded' ? (load.loadMs ?? null) : null,
      loadError: load?.status === 'load-failed' ? `[${load.errorCode}] ${load.errorMessage}` : null,
    };
  });
}
