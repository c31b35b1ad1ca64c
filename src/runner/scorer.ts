import type { EngineSettings } from './generator.js';

export interface RgbImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** One entry per image, in input order. */
export interface ScoreResult {
  /** max(100·cos, 0) per image (torchmetrics' CLIP score of one pair). */
  clipScore: number[];
  /** The raw image–text cosine, kept so means can be taken before clamping. */
  cosine: number[];
  /** Null when the run scores without the aesthetic predictor (`scoring.aesthetic: false`). */
  aesthetic: number[] | null;
  /** PickScore (exp(logit_scale)·cos) per image; absent when the run does not score PickScore. */
  pickscore?: number[];
}

/** CLIP ViT-L/14 + the LAION aesthetic MLP (+ PickScore). `images[i]` is scored against `prompts[i]`. */
export interface Scorer {
  score(images: RgbImage[], prompts: string[], options?: { signal?: AbortSignal }): Promise<ScoreResult>;
  dispose(): Promise<void>;
}

/** Null for engines without weights (fake). */
export interface ScorerModels {
  clipDir: string | null;
  /** Null for engines without weights, and when the aesthetic score is off (`aesthetic: false`). */
  aestheticFile: string | null;
  /** Whether to score aesthetics (false: CLIP only). */
  aesthetic: boolean;
  /** PickScore's model and processor folders (null folders for engines without weights); null: no PickScore. */
  pickscore: { modelDir: string | null; processorDir: string | null } | null;
}

export type ScorerFactory = (models: ScorerModels, settings: EngineSettings) => Promise<Scorer>;
