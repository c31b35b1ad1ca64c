import { loadScorer, type Scorer as ClipScorer } from '../../scoring/index.js';
import { errorMessage, RunnerError } from '../errors.js';
import type { EngineSettings } from '../generator.js';
import type { RgbImage, Scorer, ScoreResult, ScorerModels } from '../scorer.js';

/**
 * src/scoring's CLIP + aesthetic scorer behind the runner's Scorer: `images[i]` is scored
 * against `prompts[i]` (Scorer.scoreImages, one batched engine call per runner batch).
 * The engine call cannot be interrupted; the signal is checked before it starts.
 */
export async function loadNativeScorer(models: ScorerModels, settings: EngineSettings): Promise<Scorer> {
  if (models.clipDir === null) throw new RunnerError('ERR_MODEL_LOAD', 'native scoring needs a CLIP model folder');
  if (models.aestheticFile === null) throw new RunnerError('ERR_MODEL_LOAD', 'native scoring needs the aesthetic predictor weights');
  const scorer = await loadScorer({ clip: models.clipDir, aesthetic: models.aestheticFile, device: settings.device, dtype: settings.dtype });
  return new NativeScorer(scorer);
}

export class NativeScorer implements Scorer {
  constructor(private readonly scorer: Pick<ClipScorer, 'scoreImages' | 'dispose'>) {}

  async score(images: RgbImage[], prompts: string[], options: { signal?: AbortSignal } = {}): Promise<ScoreResult> {
    if (options.signal?.aborted) throw new RunnerError('ERR_CANCELLED', `scoring cancelled: ${errorMessage(options.signal.reason)}`);
    const out = await this.scorer.scoreImages(
      images.map((img) => ({ width: img.width, height: img.height, data: img.rgb })),
      prompts,
    );
    if (out.aesthetic === null) throw new RunnerError('ERR_BAD_SCORES', 'the scorer returned no aesthetic scores (no aesthetic model loaded)');
    return { clipScore: out.clipScore, cosine: out.cosine, aesthetic: out.aesthetic };
  }

  dispose(): Promise<void> {
    return this.scorer.dispose();
  }
}
