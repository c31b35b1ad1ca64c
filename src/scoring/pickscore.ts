import type { RgbImage } from '../image/png-decode.js';
import type { NativeTensor, ScorerInfo } from '../native/types.js';
import { ScoringError } from './errors.js';
import { loadScorer, type PromptInfo, type ScoreOptions, type Scorer, type ScoreTimings } from './scorer.js';

/** One sentence for help texts and JSON output. */
export const PICKSCORE_DEFINITION =
  'PickScore of one image-prompt pair = exp(logit_scale) * cos(image_embeds, text_embeds) with the PickScore_v1 ' +
  'CLIPModel (about 100 * cos; neither clamped nor rescaled, so it can be negative). pickProbs: for each prompt, the ' +
  'softmax of the pickScores of all images scored together (the probability that PickScore prefers each image).';

export interface PickScoreOutput {
  /** [image][prompt] exp(logit_scale)·cos. */
  pickScore: number[][];
  /** [image][prompt]: per prompt (column), the softmax over the images of the column's pickScores. */
  pickProbs: number[][];
  prompts: PromptInfo[];
  /** float32 [images, projection_dim]. */
  imageEmbeds: NativeTensor;
  /** float32 [prompts, projection_dim]. */
  textEmbeds: NativeTensor;
  timings: ScoreTimings;
}

export interface LoadPickScorerOptions {
  /** The PickScore CLIPModel folder (config.json + model.safetensors or pytorch_model.bin). */
  model: string;
  /** The processor folder: preprocessor_config.json and the CLIP tokenizer files. */
  processor: string;
  device?: string;
  dtype?: 'fp32' | 'fp16' | 'bf16';
}

/** Softmax of each column of an [image][prompt] matrix over the images (computed in float64). */
export function softmaxOverImages(scores: readonly (readonly number[])[]): number[][] {
  const n = scores.length;
  if (n === 0) return [];
  const cols = scores[0]!.length;
  const out = scores.map(() => new Array<number>(cols).fill(0));
  for (let j = 0; j < cols; j++) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, scores[i]![j]!);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(scores[i]![j]! - max);
    for (let i = 0; i < n; i++) out[i]![j] = Math.exp(scores[i]![j]! - max) / sum;
  }
  return out;
}

/**
 * PickScore (yuvalkirstain/PickScore_v1, a fine-tuned CLIP-H/14) over the native CLIP scorer: the model
 * folder and its processor folder (laion/CLIP-ViT-H-14-laion2B-s32B-b79K) are separate.
 */
export class PickScorer {
  private constructor(private readonly scorer: Scorer) {}

  /** @internal use {@link loadPickScorer}. */
  static async create(options: LoadPickScorerOptions): Promise<PickScorer> {
    return new PickScorer(
      await loadScorer({
        clip: options.model,
        processor: options.processor,
        ...(options.device === undefined ? {} : { device: options.device }),
        ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
      }),
    );
  }

  info(): ScorerInfo {
    return this.scorer.info();
  }

  /** Tokenizes prompts with the processor folder's tokenizer, as the text tower gets them. */
  encodePrompts(prompts: readonly string[]): { tokenIds: Int32Array[]; prompts: PromptInfo[] } {
    return this.scorer.encodePrompts(prompts);
  }

  /** Every image against every prompt, in one engine call. */
  async score(images: readonly RgbImage[], prompts: readonly string[], options: ScoreOptions = {}): Promise<PickScoreOutput> {
    if (prompts.length === 0) throw new ScoringError('ERR_INVALID_ARG', 'PickScore needs at least one prompt');
    const out = await this.scorer.score(images, prompts, options);
    const pickScore = out.images.map((s) => s.logits);
    return {
      pickScore,
      pickProbs: softmaxOverImages(pickScore),
      prompts: out.prompts,
      imageEmbeds: out.imageEmbeds,
      textEmbeds: out.textEmbeds,
      timings: out.timings,
    };
  }

  /** Pairs, `images[i]` with `prompts[i]` (a benchmark run's form): one PickScore per image. */
  async scorePairs(images: readonly RgbImage[], prompts: readonly string[], options: ScoreOptions = {}): Promise<number[]> {
    if (images.length !== prompts.length) {
      throw new ScoringError('ERR_INVALID_ARG', `PickScore pairs: ${images.length} images but ${prompts.length} prompts (one prompt per image)`);
    }
    if (images.length === 0) return [];
    const distinct = [...new Set(prompts)];
    const column = new Map(distinct.map((p, j) => [p, j] as const));
    const out = await this.score(images, distinct, options);
    return out.pickScore.map((row, i) => row[column.get(prompts[i]!)!]!);
  }

  async dispose(): Promise<void> {
    await this.scorer.dispose();
  }
}

/**
 * Loads PickScore: ERR_MODEL_LOAD naming the file for a folder that is not a CLIPModel, a processor
 * folder without preprocessor_config.json or tokenizer files, or a .bin whose pickle is refused.
 */
export function loadPickScorer(options: LoadPickScorerOptions): Promise<PickScorer> {
  return PickScorer.create(options);
}
