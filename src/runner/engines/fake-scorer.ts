import { RunnerError, errorMessage } from '../errors.js';
import type { RgbImage, Scorer, ScoreResult, ScorerModels } from '../scorer.js';
import { hashToUint32 } from '../seed.js';

/**
 * Deterministic stand-in for CLIP + aesthetic scoring: numbers in realistic ranges that depend
 * on the pixels and the prompt, so tests can check they were stored against the right image.
 */
export class FakeScorer implements Scorer {
  constructor(private readonly models: Pick<ScorerModels, 'aesthetic' | 'pickscore'> = { aesthetic: true, pickscore: null }) {}

  async score(images: RgbImage[], prompts: string[], options: { signal?: AbortSignal } = {}): Promise<ScoreResult> {
    if (options.signal?.aborted) throw new RunnerError('ERR_CANCELLED', `scoring cancelled: ${errorMessage(options.signal.reason)}`);
    const cosine = images.map((img, i) => 0.1 + 0.2 * meanLevel(img) + (hashToUint32(prompts[i] ?? '') % 1000) / 10_000);
    return {
      cosine,
      clipScore: cosine.map((c) => Math.max(100 * c, 0)),
      aesthetic: this.models.aesthetic ? images.map((img) => 4 + 2 * meanLevel(img)) : null,
      // PickScore's scale: about 100·cos with the learned temperature.
      ...(this.models.pickscore ? { pickscore: cosine.map((c, i) => 100 * c - 5 * meanLevel(images[i]!)) } : {}),
    };
  }

  async dispose(): Promise<void> {}
}

/** Mean of a sparse sample of the bytes, in [0, 1]. */
function meanLevel(image: RgbImage): number {
  const step = Math.max(1, Math.floor(image.rgb.length / 4096));
  let sum = 0;
  let n = 0;
  for (let i = 0; i < image.rgb.length; i += step, n++) sum += image.rgb[i]!;
  return n === 0 ? 0 : sum / n / 255;
}
