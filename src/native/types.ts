/** Typed description of the raw addon (build/Release/ppdiffusion.node). Only binding.ts loads it. */
import type { NativeErrorCode } from './errors.js';

export type TensorDtype =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/** A tensor crossing the boundary (data is copied). float16/bfloat16 travel as raw Uint16Array bits. */
export interface NativeTensor {
  dtype: TensorDtype;
  shape: number[];
  data: Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
}

export type TensorMap = Record<string, NativeTensor>;

export interface DeviceInfo {
  torchVersion: string;
  cudaBuild: boolean;
  cudaAvailable: boolean;
  deviceCount: number;
  deviceName: string;
  capability: [number, number];
  totalMemory: number;
  threads: number;
  buildConfig: string;
  /** CUDA numerics in force (PPBENCH_TF32, PPBENCH_CUDNN_BENCHMARK; README "GPU numerics"). */
  cudaNumerics: { tf32: 'torch' | 'on' | 'off'; tf32Convolutions: boolean; tf32Matmul: boolean; cudnnBenchmark: boolean };
}

/** On CPU: `cuda: false`, allocated = current RSS, peakAllocated = peak RSS, reserved = 0. */
export interface MemoryStats {
  cuda: boolean;
  allocated: number;
  reserved: number;
  peakAllocated: number;
  peakReserved: number;
}

export interface RawDeviceApi {
  info(): DeviceInfo;
  /** `flushed: false` when there is nothing to flush (CPU build or no CUDA device). */
  emptyCache(): { flushed: boolean };
  synchronize(): { synchronized: boolean };
  memoryStats(options?: { resetPeak?: boolean }): MemoryStats;
  setThreads(options: { threads: number }): void;
}

export interface RawTensorsApi {
  load(path: string): Promise<TensorMap>;
  save(path: string, tensors: TensorMap): Promise<void>;
}

export interface RawDiagnosticsApi {
  /** Seeded N(0,1) from a per-call CPU generator: the same stream as torch.Generator('cpu').manual_seed(seed). */
  randn(options: { shape: number[]; seed: number }): Promise<NativeTensor>;
  matmul(options: { a: number[]; b: number[]; device?: string; dtype?: string }): Promise<{ ms: number; sum: number }>;
}

/** An 8-bit RGB image, rows top to bottom, `data` = height·width·3 interleaved bytes. */
export interface RawRgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type ScorerDtype = 'fp32' | 'fp16' | 'bf16';

export interface LoadScorerOptions {
  /** A transformers CLIPModel folder (config.json, model.safetensors, preprocessor_config.json, tokenizer files). */
  clip: string;
  /** The improved-aesthetic-predictor weights: torch.save .pth (read without executing pickle code) or .safetensors. */
  aesthetic?: string;
  /**
   * The folder with preprocessor_config.json (required there) when it is not the model's own, e.g.
   * PickScore_v1's processor from laion/CLIP-ViT-H-14-laion2B-s32B-b79K. Default: `clip`.
   */
  processor?: string;
  /** "cpu" (default), "cuda", "cuda:N". */
  device?: string;
  /** Default fp32. Results are always float32 on the CPU. */
  dtype?: ScorerDtype;
}

/** Milliseconds inside the engine for one score() call (device work complete at each mark). */
export interface NativeScoreTimings {
  /** RGB conversion, PIL-exact bicubic resize, center crop, normalisation. */
  preprocessMs: number;
  /** Vision tower forwards (+ the aesthetic MLP). */
  imageMs: number;
  /** The text tower forward (0 without texts). */
  textMs: number;
  /** Everything in the engine, including the cosine matrix. */
  totalMs: number;
}

export interface RawScoreOptions {
  images: RawRgbImage[];
  /** One Int32Array of token ids per text (all the same length, normally 77). Omit for image-only scores. */
  tokenIds?: Int32Array[];
  /** Images per vision forward (default: all in one). Texts always run in one forward. */
  batchSize?: number;
}

/** Every image against every text. */
export interface RawScoreResult {
  /** float32 [images, projection_dim], unnormalised (CLIPModel.get_image_features). */
  imageEmbeds: NativeTensor;
  /** float32 [texts, projection_dim], unnormalised (CLIPModel.get_text_features). */
  textEmbeds: NativeTensor;
  /** [image][text] raw cosine similarity in [-1, 1]. */
  cosine: number[][];
  /** [image][text] max(100·cos, 0): torchmetrics' CLIP score of one pair. */
  clipScore: number[][];
  /** [image][text] exp(logit_scale)·cos: CLIPModel's logits_per_image (PickScore's score; not clamped). */
  logits: number[][];
  /** Per image; null without an aesthetic predictor. */
  aesthetic: number[] | null;
  timings: NativeScoreTimings;
}

interface ScorerInfoBase {
  clip: string;
  aesthetic: string | null;
  /** Where preprocessor_config.json was read (the `clip` folder unless a processor folder was given). */
  processor: string;
}

/** What a loaded scorer holds; after dispose() only the paths remain. */
export type ScorerInfo =
  | (ScorerInfoBase & {
      disposed: false;
      /** e.g. "cpu", "cuda:0". */
      device: string;
      dtype: ScorerDtype;
      projectionDim: number;
      /** Vision input side (crop size). */
      imageSize: number;
      /** Text positions (77 for CLIP). */
      contextLength: number;
      vocabSize: number;
      /** The model's learned temperature (scores scale the cosine by exp(logitScale)). */
      logitScale: number;
    })
  | (ScorerInfoBase & { disposed: true });

export interface RawScorer {
  /** Runs on a worker thread. Bad images are ERR_INVALID_ARG naming the image index. */
  score(options: RawScoreOptions): Promise<RawScoreResult>;
  info(): ScorerInfo;
  /** Frees the weights (after any score() still running); score() then throws ERR_INVALID_ARG. */
  dispose(): Promise<void>;
}

export interface RawScoringApi {
  /** Bad or missing files are ERR_MODEL_LOAD naming the file; bad options ERR_INVALID_ARG. */
  loadScorer(options: LoadScorerOptions): Promise<RawScorer>;
}

export interface RawAddon {
  CancelToken: new () => NativeCancelToken;
  loadPipeline(options: NativeLoadPipelineOptions): Promise<NativePipeline>;
  setErrorConstructor(ctor: new (message: string, code: NativeErrorCode) => Error): void;
  device: RawDeviceApi;
  tensors: RawTensorsApi;
  diagnostics: RawDiagnosticsApi;
  scoring: RawScoringApi;
}

export type ModelFamily = 'sd1' | 'sd2' | 'sdxl';

export interface ModelFeatures {
  prediction: 'epsilon' | 'v_prediction' | 'sample';
  edmScheduler: boolean;
  latentsMeanStd: boolean;
  asymmetricUnet: boolean;
  dualTextEncoders: boolean;
}

/** What loadPipeline found, detected from configs and weights (never from the folder name). */
export interface NativePipelineInfo {
  modelDir: string;
  family: ModelFamily;
  features: ModelFeatures;
  textEncoders: number;
  forceZerosForEmptyPrompt: boolean;
  defaultSize: number;
  device: string;
  dtype: string;
  scheduler: { className: string; config: Record<string, unknown> };
  /**
   * Per component: its weight files and keys, its load time, and the process's resident memory after
   * it (`rssBytes` current, `peakRssBytes` the peak so far: the component whose load raised it shows).
   */
  components: Record<
    string,
    { files: string[]; variant: string; loaded: number; skipped: number; loadMs: number; rssBytes: number; peakRssBytes: number }
  >;
  loadMs: number;
}

export interface NativeCancelToken {
  cancel(): void;
  readonly cancelled: boolean;
}

export interface StepEvent {
  index: number;
  total: number;
  timestep: number;
  elapsedMs: number;
  unetMs: number;
}

export interface NativeGenerateOptions {
  promptIds: Int32Array[];
  /** Omitted: zero unconditional embeddings (SDXL force_zeros_for_empty_prompt). */
  negativeIds?: Int32Array[];
  seed: number;
  steps: number;
  guidance: number;
  guidanceRescale?: number;
  width: number;
  height: number;
  /** A diffusers scheduler class name; its config = the model's config merged with schedulerConfig. */
  scheduler?: string;
  schedulerConfig?: Record<string, unknown>;
  /** Raw N(0,1) initial latents [1,4,H/8,W/8]; default: drawn from `seed` like torch.randn on CPU. */
  initLatents?: NativeTensor;
  /** Ancestral noise per step ("noise.{i}"); default: drawn from the seeded generator. */
  stepNoise?: TensorMap;
  /** Intermediate tensors to return under their golden names (true = all). */
  capture?: boolean | string[];
  cancel?: NativeCancelToken;
  onStep?: (event: StepEvent) => void;
  /** false: stop after the last step (latents only). */
  decode?: boolean;
  /**
   * Capture one denoising step (UNet on the CFG batch + guidance) as a CUDA graph per size, batch,
   * dtype and guidance, and replay it. 'auto' (default): on for a CUDA device, off elsewhere; 'on':
   * capture, or run eager and say why in the result's cudaGraphs.reason (logged once); 'off': eager.
   */
  cudaGraphs?: CudaGraphMode;
}

export type CudaGraphMode = 'auto' | 'on' | 'off';

export interface NativeGenerateResult {
  image?: { width: number; height: number; channels: 3; data: Uint8Array };
  latents: NativeTensor;
  /**
   * graphCaptureMs: warm-up + capture of the step's CUDA graph when this call captured one (its own
   * stage: neither in unetMs nor in totalMs); 0 otherwise. stepMs: per step, scale + UNet + guidance +
   * scheduler update. On CUDA the stage and step times are device time read from CUDA events (the
   * loop never waits for the device per step); on the CPU wall time.
   */
  timings: {
    textEncodeMs: number;
    unetMs: number[];
    stepMs: number[];
    schedulerMs: number;
    vaeDecodeMs: number;
    graphCaptureMs: number;
    totalMs: number;
  };
  /** What the call did about CUDA graphs: the mode asked for, whether steps were replayed, why not. */
  cudaGraphs: { mode: CudaGraphMode; used: boolean; reason?: string };
  /**
   * CUDA: the caching allocator's peak during the call. CPU: the process's peak RSS during the call
   * when `peakSinceReset` (Linux could reset the peak at the start), else the process's lifetime peak.
   */
  memory: { cuda: boolean; peakAllocated: number; peakReserved: number; peakSinceReset: boolean };
  timesteps: number[];
  ignoredSchedulerKeys: string[];
  schedulerClass: string;
  captured?: TensorMap;
}

/** One event of a profiled generation (libtorch's Kineto profiler); times from the trace start. */
export interface NativeProfileEvent {
  /** op: a libtorch operator; scope: an engine module or stage ("unet.mid_block"); memory: an allocation (+bytes) or free (-bytes); kernel: a device kernel. */
  kind: 'op' | 'scope' | 'memory' | 'kernel';
  name: string;
  thread: number;
  startUs: number;
  durationUs: number;
  /** Operators: input shapes ([] for non-tensor inputs). */
  shapes?: number[][];
  /** libtorch's FLOP estimate (convolutions, matmuls) when it has one. */
  flops?: number;
  bytes?: number;
}

export interface NativeProfileResult {
  result: NativeGenerateResult;
  events: NativeProfileEvent[];
  /** Present when a trace path was given: the Chrome trace JSON written there. */
  tracePath?: string;
}

export interface NativePipeline {
  info(): NativePipelineInfo;
  generate(options: NativeGenerateOptions): Promise<NativeGenerateResult>;
  /** generate() under the libtorch profiler (one profiled run per process at a time). */
  profile(options: NativeGenerateOptions, output?: { tracePath?: string }): Promise<NativeProfileResult>;
  encodeText(options: { ids: Int32Array[] }): Promise<TensorMap>;
  runUnet(options: {
    sample: NativeTensor;
    timestep: NativeTensor;
    encoderHiddenStates: NativeTensor;
    textEmbeds?: NativeTensor;
    timeIds?: NativeTensor;
  }): Promise<NativeTensor>;
  decodeLatents(options: { vaeInput: NativeTensor }): Promise<NativeTensor>;
  dispose(): Promise<void>;
}

export interface NativeLoadPipelineOptions {
  modelDir: string;
  device?: string;
  dtype?: 'fp32' | 'fp16' | 'bf16';
  variant?: 'auto' | '' | 'fp16';
  /** Polled before each component and each weight: once cancelled the load rejects with ERR_CANCELLED. */
  cancel?: NativeCancelToken;
}
