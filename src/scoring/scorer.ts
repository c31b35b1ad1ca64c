import { performance } from 'node:perf_hooks';
import type { RgbImage } from '../image/png-decode.js';
import { scoring } from '../native/binding.js';
import type { LoadScorerOptions, NativeScoreTimings, NativeTensor, RawScorer, ScorerInfo } from '../native/types.js';
import { ClipTokenizer } from '../tokenizer/index.js';
import { ScoringError } from './errors.js';

export type { LoadScorerOptions, ScorerInfo } from '../native/types.js';

/** A prompt as the text tower saw it. */
export interface PromptInfo {
  text: string;
  /** Untruncated token count including bos and eos. */
  tokenCount: number;
  /** More than 77 tokens: cut to [bos] + 75 tokens + [eos] (EOS kept, unlike torchmetrics). */
  truncated: boolean;
}

/** The scores of one image. */
export interface ImageScores {
  /** max(100·cos, 0) against each prompt, in prompt order. */
  clipScore: number[];
  /** Raw cosine against each prompt (for run-level means, see meanClipScore). */
  cosine: number[];
  /** Aesthetic predictor score; null without an aesthetic model. */
  aesthetic: number | null;
  /** exp(logit_scale)·cos against each prompt (CLIPModel's logits; PickScore's score), not clamped. */
  logits: number[];
}

export interface ScoreTimings extends NativeScoreTimings {
  /** Tokenizing the prompts (TypeScript). */
  tokenizeMs: number;
  /** Wall time of the whole call, including tokenizing and copying across the addon boundary. */
  wallMs: number;
}

export interface ScoreOptions {
  /** Images per vision forward (default: all in one). Texts always run in one forward. */
  batchSize?: number;
}

/** Every image against every prompt. */
export interface ScoreOutput {
  images: ImageScores[];
  prompts: PromptInfo[];
  /** float32 [images, projection_dim]. */
  imageEmbeds: NativeTensor;
  /** float32 [prompts, projection_dim]. */
  textEmbeds: NativeTensor;
  timings: ScoreTimings;
}

/** One prompt per image (`images[i]` with `prompts[i]`). */
export interface PairScores {
  clipScore: number[];
  cosine: number[];
  /** Null without an aesthetic model. */
  aesthetic: number[] | null;
  /** prompts[i] as tokenized. */
  prompts: PromptInfo[];
  timings: ScoreTimings;
}

/**
 * CLIP score + aesthetic score of images: a native CLIPModel (vision and text towers, optional LAION
 * aesthetic MLP) plus the CLIP tokenizer read from the same folder. Every call is one batched engine
 * call (images in forwards of `batchSize`, all prompts in one forward).
 */
export class Scorer {
  private constructor(
    private readonly native: RawScorer,
    /** The CLIP tokenizer of the model folder. */
    readonly tokenizer: ClipTokenizer,
  ) {}

  /** @internal use {@link loadScorer}. */
  static async create(options: LoadScorerOptions): Promise<Scorer> {
    const native = await scoring.loadScorer(options);
    try {
      let tokenizer: ClipTokenizer;
      try {
        tokenizer = await ClipTokenizer.fromFolder(options.processor ?? options.clip);
      } catch (err) {
        throw new ScoringError('ERR_MODEL_LOAD', `CLIP tokenizer: ${(err as Error).message}`, { cause: err });
      }
      const info = native.info();
      if (!info.disposed && tokenizer.maxLength > info.contextLength) {
        throw new ScoringError(
          'ERR_MODEL_LOAD',
          `${options.clip}: the tokenizer's model_max_length ${tokenizer.maxLength} exceeds the text model's ${info.contextLength} positions`,
        );
      }
      return new Scorer(native, tokenizer);
    } catch (err) {
      await native.dispose();
      throw err;
    }
  }

  info(): ScorerInfo {
    return this.native.info();
  }

  /** Tokenizes prompts as the text tower gets them. */
  encodePrompts(prompts: readonly string[]): { tokenIds: Int32Array[]; prompts: PromptInfo[] } {
    const tokenIds: Int32Array[] = [];
    const infos: PromptInfo[] = [];
    prompts.forEach((text, i) => {
      if (typeof text !== 'string') throw new ScoringError('ERR_INVALID_ARG', `prompts[${i}] is not a string`);
      const e = this.tokenizer.encodeWithInfo(text);
      tokenIds.push(e.inputIds);
      infos.push({ text, tokenCount: e.tokenCount, truncated: e.truncated });
    });
    return { tokenIds, prompts: infos };
  }

  /** Scores every image against every prompt in one engine call (no prompts: aesthetic only). */
  async score(images: readonly RgbImage[], prompts: readonly string[], options: ScoreOptions = {}): Promise<ScoreOutput> {
    const start = performance.now();
    const encoded = this.encodePrompts(prompts);
    const tokenizeMs = performance.now() - start;
    const raw = await this.native.score({
      images: images.map(({ width, height, data }) => ({ width, height, data })),
      tokenIds: encoded.tokenIds,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
    const out: ImageScores[] = raw.cosine.map((cosine, i) => ({
      clipScore: raw.clipScore[i]!,
      cosine,
      aesthetic: raw.aesthetic ? raw.aesthetic[i]! : null,
      logits: raw.logits[i]!,
    }));
    return {
      images: out,
      prompts: encoded.prompts,
      imageEmbeds: raw.imageEmbeds,
      textEmbeds: raw.textEmbeds,
      timings: { ...raw.timings, tokenizeMs, wallMs: performance.now() - start },
    };
  }

  /**
   * Scores pairs, `images[i]` with `prompts[i]` (a benchmark run's form): the same batched call as
   * {@link score} on the distinct prompts, then each image's entry for its own prompt (the diagonal
   * when all prompts differ).
   */
  async scoreImages(images: readonly RgbImage[], prompts: readonly string[], options: ScoreOptions = {}): Promise<PairScores> {
    if (images.length !== prompts.length) {
      throw new ScoringError('ERR_INVALID_ARG', `scoreImages: ${images.length} images but ${prompts.length} prompts (one prompt per image)`);
    }
    const distinct = [...new Set(prompts)];
    const column = new Map(distinct.map((p, j) => [p, j] as const));
    const all = await this.score(images, distinct, options);
    const pick = (i: number) => column.get(prompts[i]!)!;
    return {
      clipScore: all.images.map((s, i) => s.clipScore[pick(i)]!),
      cosine: all.images.map((s, i) => s.cosine[pick(i)]!),
      aesthetic: all.images.some((s) => s.aesthetic === null) ? null : all.images.map((s) => s.aesthetic!),
      prompts: prompts.map((_, i) => all.prompts[pick(i)]!),
      timings: all.timings,
    };
  }

  /** Frees the weights; later score() calls reject with ERR_INVALID_ARG. */
  async dispose(): Promise<void> {
    await this.native.dispose();
  }
}

/**
 * Loads a CLIPModel folder (weights, preprocessor config and tokenizer files, or those two from
 * `options.processor`) and optionally the aesthetic predictor (.pth or .safetensors). Missing or broken files reject with ERR_MODEL_LOAD
 * naming the file.
 */
export function loadScorer(options: LoadScorerOptions): Promise<Scorer> {
  return Scorer.create(options);
}
