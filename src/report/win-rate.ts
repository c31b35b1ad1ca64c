import type { ImageResult } from '../store/rows.js';
import { clusterBootstrap, DEFAULT_SEED, seedFor, type BootstrapOptions, type Interval } from './bootstrap.js';
import { unitKey } from '../store/images-table.js';

export interface WinRate {
  metric: string;
  /** (prompt, seed) units every model has a score for. */
  sharedUnits: number;
  /** Share of shared units where the model's image scored highest (ties split), with a 95% interval. */
  perModel: Array<{ model: string; wins: number; rate: Interval | null }>;
  /** matrix[i][j]: share of units both models i and j have where i beat j (ties count half); null on the diagonal. */
  models: string[];
  matrix: Array<Array<number | null>>;
}

/**
 * Which model's image a preference metric prefers, unit by unit. Units are kept only when every
 * model has them, so each model's rate is out of the same contests; the interval resamples
 * prompts (a prompt's seeds together) like the leaderboard's.
 */
export function winRate(images: readonly ImageResult[], models: readonly string[], metric: string, options: BootstrapOptions = {}): WinRate | null {
  const scores = new Map<string, Map<string, number>>();
  const promptOf = new Map<string, string>();
  for (const i of images) {
    const v = i.scores[metric];
    if (i.status !== 'ok' || v === undefined || !models.includes(i.model)) continue;
    const key = unitKey(i.promptId, i.seedIndex);
    promptOf.set(key, i.promptId);
    const perModel = scores.get(key) ?? new Map<string, number>();
    perModel.set(i.model, v);
    scores.set(key, perModel);
  }
  if (models.length < 2) return null;
  const shared = [...scores.entries()].filter(([, m]) => m.size === models.length);
  const share = new Map(models.map((m) => [m, new Map<string, number[]>()]));
  const wins = new Map(models.map((m) => [m, 0]));
  for (const [key, perModel] of shared) {
    const top = Math.max(...perModel.values());
    const winners = models.filter((m) => perModel.get(m) === top);
    for (const m of models) {
      const credit = winners.includes(m) ? 1 / winners.length : 0;
      wins.set(m, wins.get(m)! + credit);
      const byPrompt = share.get(m)!;
      const prompt = promptOf.get(key)!;
      byPrompt.set(prompt, [...(byPrompt.get(prompt) ?? []), credit]);
    }
  }
  const perModel = models.map((model) => ({
    model,
    wins: wins.get(model)!,
    rate: clusterBootstrap([...share.get(model)!.values()], { ...options, seed: seedFor(options.seed ?? DEFAULT_SEED, `win\u0000${model}`) }),
  }));
  const matrix = models.map((a) =>
    models.map((b) => {
      if (a === b) return null;
      let contests = 0;
      let aWins = 0;
      for (const perModel of scores.values()) {
        const va = perModel.get(a);
        const vb = perModel.get(b);
        if (va === undefined || vb === undefined) continue;
        contests++;
        aWins += va > vb ? 1 : va === vb ? 0.5 : 0;
      }
      return contests === 0 ? null : aWins / contests;
    }),
  );
  return { metric, sharedUnits: shared.length, perModel, models: [...models], matrix };
}
