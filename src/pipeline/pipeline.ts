import { cancelTokenFor, loadNativePipeline } from '../native/binding.js';
import { NativeEngineError } from '../native/errors.js';
import type {
  NativeGenerateOptions,
  NativeGenerateResult,
  NativeLoadPipelineOptions,
  NativePipeline,
  NativePipelineInfo,
  NativeProfileEvent,
} from '../native/types.js';
import { loadPipelineTokenizers, type ClipTokenizer } from '../tokenizer/index.js';
import { promptTexts, usesClassifierFreeGuidance, type PromptInputs } from './prompt-texts.js';

/** The native options minus what this layer derives (token ids from the prompts, the cancel token from `signal`). */
export interface GenerateOptions extends PromptInputs, Omit<NativeGenerateOptions, 'promptIds' | 'negativeIds' | 'cancel'> {
  /** Aborting stops the generation at the next step boundary with ERR_CANCELLED. */
  signal?: AbortSignal;
}

export interface GenerateResult extends NativeGenerateResult {
  timings: NativeGenerateResult['timings'] & { tokenizeMs: number };
  /** Prompts longer than 77 tokens are truncated like diffusers does; listed here per encoder. */
  truncatedPrompts: string[];
}

/**
 * A loaded model: the tokenizers (TypeScript) plus the native pipeline. Used by the CLI, the
 * runner and the backend alike.
 */
export class Pipeline {
  private constructor(
    private native: NativePipeline | undefined,
    readonly info: NativePipelineInfo,
    readonly tokenizers: ClipTokenizer[],
  ) {}

  static async load(options: NativeLoadPipelineOptions): Promise<Pipeline> {
    // Native first: its errors (ERR_MODEL_LOAD naming the file) are the ones users need to see.
    const native = await loadNativePipeline(options);
    try {
      const tokenizers = await loadPipelineTokenizers(options.modelDir);
      const info = native.info();
      if (tokenizers.length !== info.textEncoders) {
        throw new NativeEngineError(
          `${options.modelDir}: ${tokenizers.length} tokenizer folder(s) for ${info.textEncoders} text encoder(s)`,
          'ERR_MODEL_LOAD',
        );
      }
      return new Pipeline(native, info, tokenizers);
    } catch (err) {
      await native.dispose();
      throw err;
    }
  }

  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const native = this.nativeOrThrow();
    const { request, truncatedPrompts, tokenizeMs } = this.nativeRequest(options);
    const result = await native.generate(request);
    return { ...result, timings: { ...result.timings, tokenizeMs }, truncatedPrompts };
  }

  /** generate() under the libtorch profiler; `tracePath` receives a Chrome trace. */
  async profile(
    options: GenerateOptions,
    tracePath?: string,
  ): Promise<{ result: GenerateResult; events: NativeProfileEvent[]; tracePath?: string }> {
    const native = this.nativeOrThrow();
    const { request, truncatedPrompts, tokenizeMs } = this.nativeRequest(options);
    const profiled = await native.profile(request, tracePath ? { tracePath } : {});
    const result = { ...profiled.result, timings: { ...profiled.result.timings, tokenizeMs }, truncatedPrompts };
    return { ...profiled, result };
  }

  private nativeRequest(options: GenerateOptions): {
    request: NativeGenerateOptions;
    truncatedPrompts: string[];
    tokenizeMs: number;
  } {
    if (options.signal?.aborted) throw new NativeEngineError('cancelled before start', 'ERR_CANCELLED');
    const t0 = performance.now();
    const cfg = usesClassifierFreeGuidance(options.guidance);
    const texts = promptTexts(options, this.info, cfg);
    const truncatedPrompts: string[] = [];
    const encode = (list: string[]) =>
      list.map((text, k) => {
        const enc = this.tokenizers[k]!.encodeWithInfo(text);
        if (enc.truncated) truncatedPrompts.push(text);
        return enc.inputIds;
      });
    const promptIds = encode(texts.prompt);
    const negativeIds = texts.negative ? encode(texts.negative) : undefined;
    const tokenizeMs = performance.now() - t0;
    const request: NativeGenerateOptions = {
      promptIds,
      ...(negativeIds ? { negativeIds } : {}),
      seed: options.seed,
      steps: options.steps,
      guidance: options.guidance,
      guidanceRescale: options.guidanceRescale ?? 0,
      width: options.width,
      height: options.height,
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.schedulerConfig ? { schedulerConfig: options.schedulerConfig } : {}),
      ...(options.initLatents ? { initLatents: options.initLatents } : {}),
      ...(options.stepNoise ? { stepNoise: options.stepNoise } : {}),
      ...(options.capture ? { capture: options.capture } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
      ...(options.decode === false ? { decode: false } : {}),
      ...(options.cudaGraphs ? { cudaGraphs: options.cudaGraphs } : {}),
      cancel: cancelTokenFor(options.signal),
    };
    return { request, truncatedPrompts, tokenizeMs };
  }

  /** Frees the weights (and the device cache) now; the pipeline cannot be used afterwards. */
  async dispose(): Promise<void> {
    const native = this.native;
    this.native = undefined;
    await native?.dispose();
  }

  /** The raw native pipeline, for stage-level checks (encodeText, runUnet, decodeLatents). */
  nativeOrThrow(): NativePipeline {
    if (!this.native) throw new NativeEngineError('this pipeline was disposed', 'ERR_INVALID_ARG');
    return this.native;
  }
}

export async function loadPipeline(options: NativeLoadPipelineOptions): Promise<Pipeline> {
  return Pipeline.load(options);
}
