import type { GenerationModel, ImageSettings } from '../registry/model-entry.js';

/** Per-stage wall times in ms, as the engine reports them (GPU: CUDA events). */
export interface StageTimings {
  textEncodeMs?: number;
  /** One entry per UNet evaluation (denoising step). */
  unetMs?: number[];
  vaeDecodeMs?: number;
  totalMs: number;
  [stage: string]: number | number[] | undefined;
}

export interface GenerateRequest {
  prompt: string;
  /** Absent = no negative prompt (SDXL then uses zero embeddings); "" = an encoded empty one. */
  negativePrompt?: string;
  seed: number;
  steps: number;
  guidance: number;
  width: number;
  height: number;
  scheduler?: string;
  /** Checked between units of GPU work; when it fires, generate rejects with code ERR_CANCELLED. */
  signal: AbortSignal;
  /** Called after each denoising step (the runner heartbeats the lease there). */
  onStep?: (step: number, total: number) => void;
}

export interface GeneratedImage {
  /** Row-major H×W×3 RGB. */
  rgb: Uint8Array;
  width: number;
  height: number;
  timings: StageTimings;
  /** Peak device memory during the call, bytes; null where the device cannot tell (CPU). */
  peakMemory: number | null;
}

/** One loaded text-to-image pipeline. */
export interface ImageGenerator {
  generate(request: GenerateRequest): Promise<GeneratedImage>;
  /** Frees the weights at once (not at garbage collection). */
  dispose(): Promise<void>;
}

export interface EngineSettings {
  device: string;
  dtype: 'fp16' | 'bf16' | 'fp32';
  /** The engine's CUDA-graph mode (GenerateOptions.cudaGraphs); absent = the engine's default ('auto'). */
  cudaGraphs?: 'auto' | 'on' | 'off';
}

/** Loads one model; rejects (e.g. code ERR_MODEL_LOAD) when it cannot. */
export type GeneratorFactory = (model: ResolvedModel, settings: EngineSettings) => Promise<ImageGenerator>;

/** A registry entry with the run's overrides applied and its folder found. */
export interface ResolvedModel {
  entry: GenerationModel;
  repo: string;
  revision: string;
  /** The diffusers folder the engine reads; null for engines without weights (fake). */
  dir: string | null;
  settings: ImageSettings;
}
