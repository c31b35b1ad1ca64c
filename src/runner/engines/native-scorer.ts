import { loadPickScorer, loadScorer, type PickScorer, type Scorer as ClipScorer } from '../../scoring/index.js';
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
  if (models.aesthetic && models.aestheticFile === null) throw new RunnerError('ERR_MODEL_LOAD', 'native scoring needs the aesthetic predictor weights');
  const pick = models.pickscore;
  if (pick && (pick.modelDir === null || pick.processorDir === null)) throw new RunnerError('ERR_MODEL_LOAD', 'native PickScore needs its model and processor folders');
  const scorer = await loadScorer({
    clip: models.clipDir,
    ...(models.aesthetic && models.aestheticFile !== null ? { aesthetic: models.aestheticFile } : {}),
    device: settings.device,
    dtype: settings.dtype,
  });
  try {
    const pickScorer = pick ? await loadPickScorer({ model: pick.modelDir!, processor: pick.processorDir!, device: settings.device, dtype: settings.dtype }) : null;
    return new NativeScorer(scorer, models.aesthetic, pickScorer);
  } catch (err) {
    await scorer.dispose();
    throw err;
  }
}

export class NativeScorer implements Scorer {
  constructor(
    private readonly scorer: Pick<ClipScorer, 'scoreImages' | 'dispose'>,
    private readonly aesthetic = true,
    private readonly pickScorer: Pick<PickScorer, 'scorePairs' | 'dispose'> | null = null,
  ) {}

  async score(images: RgbImage[], prompts: string[], options: { signal?: AbortSignal } = {}): Promise<ScoreResult> {
    if (options.signal?.aborted) throw new RunnerError('ERR_CANCELLED', `scoring cancelled: ${errorMessage(options.signal.reason)}`);
    const rgb = images.map((img) => ({ width: img.width, height: img.height, data: img.rgb }));
    const out = await this.scorer.scoreImages(rgb, prompts);
    if (this.aesthetic && out.aesthetic === null) throw new RunnerError('ERR_BAD_SCORES', 'the scorer returned no aesthetic scores (no aesthetic model loaded)');
    const result: ScoreResult = { clipScore: out.clipScore, cosine: out.cosine, aesthetic: this.aesthetic ? out.aesthetic : null };
    if (this.pickScorer) {
      if (options.signal?.aborted) throw new RunnerError('ERR_CANCELLED', `scoring cancelled: ${errorMessage(options.signal.reason)}`);
      result.pickscore = await this.pickScorer.scorePairs(rgb, prompts);
    }
    return result;
  }

  async dispose(): Promise<void> {
    try {
      await this.scorer.dispose();
    } finally {
      await this.pickScorer?.dispose();
    }
  }
}
