import type { ImageResult } from '../store/rows.js';

export interface CategoryScores {
  model: string;
  category: string;
  ok: number;
  /** max(mean(100·cos), 0) over the category's scored images, as for a model. */
  clipScore: number | null;
  aesthetic: number | null;
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Scores per model and prompt category, in first-seen order; images without a category are left out. */
export function summarizeCategories(results: readonly ImageResult[]): CategoryScores[] {
  const groups = new Map<string, ImageResult[]>();
  for (const r of results) {
    if (r.status !== 'ok' || !r.category) continue;
    const key = `${r.model}\0${r.category}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.entries()].map(([key, rows]) => {
    const [model, category] = key.split('\0') as [string, string];
    const cos = mean(rows.flatMap((r) => (r.scores.clip_cosine === undefined ? [] : [r.scores.clip_cosine])));
    return {
      model,
      category,
      ok: rows.length,
      clipScore: cos === null ? null : Math.max(100 * cos, 0),
      aesthetic: mean(rows.flatMap((r) => (r.scores.aesthetic === undefined ? [] : [r.scores.aesthetic]))),
    };
  });
}
