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
  aesthetic: number[];
}

/** CLIP ViT-L/14 + the LAION aesthetic MLP. `images[i]` is scored against `prompts[i]`. */
export interface Scorer {
  score(images: RgbImage[], prompts: string[], options?: { signal?: AbortSignal }): Promise<ScoreResult>;
  dispose(): Promise<void>;
}

/** Null for engines without weights (fake). */
export interface ScorerModels {
  clipDir: string | null;
  aestheticFile: string | null;
}

export type ScorerFactory = (models: ScorerModels, settings: EngineSettings) => Promise<Scorer>;
